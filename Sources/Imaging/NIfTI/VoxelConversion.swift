/// Raw voxel buffers to and from float32.
extension NIfTI {
    static func convert(_ data: UnsafeMutableRawPointer, datatype: NIfTIDatatype, offset: Int, count: Int,
                        into out: UnsafeMutablePointer<Float>) {
        func copy<T>(_ type: T.Type, _ f: (T) -> Float) {
            let p = data.assumingMemoryBound(to: T.self) + offset
            for i in 0..<count { out[i] = f(p[i]) }
        }
        switch datatype {
        case .uint8: copy(UInt8.self) { Float($0) }
        case .int8: copy(Int8.self) { Float($0) }
        case .int16: copy(Int16.self) { Float($0) }
        case .uint16: copy(UInt16.self) { Float($0) }
        case .int32: copy(Int32.self) { Float($0) }
        case .float32: copy(Float.self) { $0 }
        case .float64: copy(Double.self) { Float($0) }
        }
    }

    /// Values already checked to fit an integer type; rounded half to even.
    static func fill(_ data: UnsafeMutableRawPointer, datatype: NIfTIDatatype, from voxels: [Float]) {
        func store<T>(_ type: T.Type, _ f: (Float) -> T) {
            let p = data.assumingMemoryBound(to: T.self)
            for i in voxels.indices { p[i] = f(voxels[i]) }
        }
        switch datatype {
        case .uint8: store(UInt8.self) { UInt8($0.rounded(.toNearestOrEven)) }
        case .int8: store(Int8.self) { Int8($0.rounded(.toNearestOrEven)) }
        case .int16: store(Int16.self) { Int16($0.rounded(.toNearestOrEven)) }
        case .uint16: store(UInt16.self) { UInt16($0.rounded(.toNearestOrEven)) }
        case .int32: store(Int32.self) { Int32(Double($0).rounded(.toNearestOrEven)) }
        case .float32: store(Float.self) { $0 }
        case .float64: store(Double.self) { Double($0) }
        }
    }
}

/// Fixed C arrays import as tuples; these read and write them through their bytes.
func tupleArray<Tuple, T>(_ tuple: Tuple, as: T.Type, count: Int) -> [T] {
    withUnsafeBytes(of: tuple) { raw in Array(raw.bindMemory(to: T.self).prefix(count)) }
}

func tupleString<Tuple>(_ tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}

func setTuple<Tuple>(_ tuple: inout Tuple, _ s: String) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        for (i, b) in s.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
    }
}
