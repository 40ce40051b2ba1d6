import CAllocator

/// glibc hands every allocation above its mmap threshold (up to 32 MiB) to a fresh `mmap` and unmaps it
/// on free, so each training step at 192² would fault in gigabytes of zeroed pages again (about 40 % of
/// a PyTorch step here is that kernel time). Keeping freed memory in the heap avoids it; the peak
/// resident size stays that of one step, whose working set is reused every step.
public enum AllocatorPolicy {
    private static let applied: Bool = callocator_retain_freed_memory() == 1

    /// Call once before heavy work (the command-line tool does, for every computing command).
    @discardableResult
    public static func retainFreedMemory() -> Bool { applied }
}
