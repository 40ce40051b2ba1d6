import Determinism
import Engine
import Networks
import Planning
import Training

/// A run whose training loss stopped being finite. Nothing is written for it (the runner goes on with
/// the runs that do not depend on it and exits non-zero at the end).
public struct DivergenceError: Error, CustomStringConvertible, Equatable {
    /// Where the run file would have gone (nothing is there, or the previous file, unchanged).
    public let output: String
    public let runKey: String
    /// "finetune", "self-train 1", "pretrain-global", "pretrain-local".
    public let stage: String
    public let step: Int
    public let loss: Float
    /// The first layer (conv unit or dense map, by its variable prefix: `enc_c3_a`, `reg_fc1`) with
    /// non-finite weights or activations, or "loss" when every activation is finite.
    public let layer: String
    /// What was non-finite there, in words.
    public let finding: String

    public var description: String {
        "\(output): run \(runKey) diverged at step \(step) of \(stage): the loss is \(loss); first non-finite layer "
            + "\(layer): \(finding). Nothing was stored for this run (a lower learning rate usually helps)"
    }
}

/// Finds where a diverged step first went non-finite: the network's weights as the step started (a
/// non-finite gradient or update in the step before leaves them so), else its activations on the
/// step's batch, layer by layer in forward order (batch norm in training mode, as in the step itself:
/// the same operations on the same values give the same numbers).
enum Divergence {
    /// Runs `train`; turns `TrainingError.diverged` into a `DivergenceError` naming run, step and layer.
    /// `parameters`: the trainable variables; `forward(step)`: the first non-finite layer of the forward
    /// pass on that step's batch, nil if all are finite.
    static func diagnosing<T>(_ run: PlannedRun, stage: String, parameters: () -> [Tensor],
                              forward: (Int) throws -> (layer: String, finding: String)?,
                              _ train: () throws -> T) throws -> T {
        do {
            return try train()
        } catch TrainingError.diverged(let step, let loss) {
            let (layer, finding) = try locate(step: step, parameters: parameters(), forward: forward)
            throw DivergenceError(output: run.output, runKey: run.runKey, stage: stage, step: step, loss: loss,
                                  layer: layer, finding: finding)
        }
    }

    static func locate(step: Int, parameters: [Tensor],
                       forward: (Int) throws -> (layer: String, finding: String)?) throws -> (String, String) {
        let bad = parameters.filter { !$0.data.allSatisfy(\.isFinite) }
        if let first = bad.first, let name = first.name {
            let i = first.data.firstIndex { !$0.isFinite }!
            let when = step == 0 ? "before the first update" : "after the update of step \(step - 1) (a non-finite gradient or step reached it)"
            let others = bad.count > 1 ? "; \(bad.count - 1) later variable\(bad.count == 2 ? " is" : "s are") non-finite too" : ""
            return (LayerProbe.layerName(name), "weight \(name)[\(i)] is \(first.data[i]) \(when)\(others)")
        }
        if let found = try forward(step) { return found }
        return ("loss", "every weight and activation is finite; the loss itself overflowed")
    }

    /// The batch a pre-training loop drew at `step`: its batch stream replayed from the start (the loops
    /// draw exactly one batch per step from `RunStreams.stream("batches")`).
    static func replay<B>(_ run: PlannedRun, step: Int, draw: (inout RandomStream) throws -> B) throws -> B {
        var stream = RandomStream(seed: run.seed, purpose: "\(run.runKey)/batches")
        var batch = try draw(&stream)
        for _ in 0..<step { batch = try draw(&stream) }
        return batch
    }
}

/// Forward passes unit by unit, reporting the first unit whose output holds a non-finite value. Mirrors
/// `UNet`, `GlobalContrastiveNet` and `LocalContrastiveNet` exactly (the same calls in the same order).
enum LayerProbe {
    /// `enc_c1_a/bn/gamma` → `enc_c1_a`; `reg_fc1/W` → `reg_fc1`.
    static func layerName(_ variable: String) -> String {
        String(variable.split(separator: "/").first ?? Substring(variable))
    }

    private struct Found: Error { let layer: String; let finding: String }

    private static func check(_ t: Tensor, _ layer: String) throws {
        if let i = t.data.firstIndex(where: { !$0.isFinite }) {
            let n = t.data.count(where: { !$0.isFinite })
            throw Found(layer: layer, finding: "its output \(t.shape) first holds \(t.data[i]) (\(n) of \(t.data.count) values non-finite) in the forward pass of the diverged step's batch")
        }
    }

    private static func run(_ body: () throws -> Void) -> (layer: String, finding: String)? {
        do {
            try GradMode.disabled { try body() }
            return nil
        } catch let f as Found {
            return (f.layer, f.finding)
        } catch {
            return nil
        }
    }

    private static func encoder(_ e: Encoder, _ x: Tensor) throws -> (Tensor, [Tensor]) {
        var h = x
        var skips: [Tensor] = []
        for (i, (a, b)) in e.levels.enumerated() {
            h = a(h, mode: .training)
            try check(h, a.name)
            h = b(h, mode: .training)
            try check(h, b.name)
            if i < e.levels.count - 1 {
                skips.append(h)
                h = maxPool2x2(h)
            }
        }
        return (h, skips)
    }

    private static func decoder(_ blocks: [DecoderBlock], _ x: Tensor, _ skips: [Tensor]) throws -> Tensor {
        var h = x, skips = skips
        for block in blocks {
            let up = block.upConv(upsampleNearest2x(h), mode: .training)
            try check(up, block.upConv.name)
            h = concatChannels([up, skips.removeLast()])
            for c in block.convs {
                h = c(h, mode: .training)
                try check(h, c.name)
            }
        }
        return h
    }

    /// `x`: `[N, 1, S, S]`.
    static func firstNonFinite(_ net: UNet, _ x: Tensor) -> (layer: String, finding: String)? {
        run {
            try check(x, "input")
            let (bottom, skips) = try encoder(net.encoder, x)
            var h = try decoder(net.decoder, bottom, skips)
            for unit in net.head {
                h = unit(h, mode: .training)
                try check(h, unit.name)
            }
            h = net.output(h, mode: .training)
            try check(h, net.output.name)
            try check(softmax(h), "softmax")
        }
    }

    static func firstNonFinite(_ net: GlobalContrastiveNet, _ x: Tensor) -> (layer: String, finding: String)? {
        firstNonFinite(net.encoder, net.head, x, thenNormalised: true)
    }

    static func firstNonFinite(_ net: RotationNet, _ x: Tensor) -> (layer: String, finding: String)? {
        firstNonFinite(net.encoder, net.head, x, thenNormalised: false)
    }

    /// Encoder, then a dense head (g1 or the rotation classifier), then for g1 the L2 normalisation.
    static func firstNonFinite(_ encoder: Encoder, _ head: DenseHead, _ x: Tensor, thenNormalised: Bool) -> (layer: String, finding: String)? {
        run {
            try check(x, "input")
            let (bottom, _) = try self.encoder(encoder, x)
            let hidden = relu(dense(flatten(bottom), weight: head.fc1))
            try check(hidden, layerName(head.fc1.name ?? "fc1"))
            let z = dense(hidden, weight: head.fc2)
            try check(z, layerName(head.fc2.name ?? "fc2"))
            if thenNormalised { try check(l2Normalize(z), "l2-normalisation") }
        }
    }

    static func firstNonFinite(_ net: LocalContrastiveNet, _ x: Tensor) -> (layer: String, finding: String)? {
        run {
            try check(x, "input")
            let (bottom, skips) = try encoder(net.encoder, x)
            let h = try decoder(net.decoder, bottom, skips)
            let a = net.head.convA(h, mode: .training)
            try check(a, net.head.convA.name)
            try check(net.head.convB(a, mode: .training), net.head.convB.name)
        }
    }
}
