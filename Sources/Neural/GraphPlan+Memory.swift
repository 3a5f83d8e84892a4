extension GraphPlan {
    /// Floats per slot are rounded up to this multiple so every buffer starts 64-byte aligned.
    static let slotAlignment = 16

    /// Assigns each run-time tensor to an arena slot. A slot is reused once the tensor in it
    /// has had its last reader; an op's output never shares a slot with any of its inputs.
    mutating func assignSlots() throws {
        let count = model.tensors.count
        let end = ops.count
        var lastUse = [Int](repeating: -1, count: count)
        for (n, p) in ops.enumerated() { for i in p.inputs where i >= 0 { lastUse[i] = max(lastUse[i], n) } }
        for o in model.outputs { lastUse[o] = end }
        for i in model.inputs { lastUse[i] = max(lastUse[i], end) } // inputs stay intact across a run

        var slotOwner: [Int] = []       // tensor currently held by each slot
        slotSizes = []
        func place(_ t: Int, at n: Int) throws {
            guard storage[t] == nil else { return }
            guard let s = shapes[t] else { return }
            let size = (try checkedElementCount(s, "tensor #\(t)") + Self.slotAlignment - 1) / Self.slotAlignment * Self.slotAlignment
            var best = -1, largestFree = -1
            for (k, owner) in slotOwner.enumerated() where lastUse[owner] < n {
                if slotSizes[k] >= size, best < 0 || slotSizes[k] < slotSizes[best] { best = k }
                if largestFree < 0 || slotSizes[k] > slotSizes[largestFree] { largestFree = k }
            }
            if best < 0, largestFree >= 0 { best = largestFree; slotSizes[best] = size }
            if best < 0 {
                best = slotOwner.count
                slotOwner.append(t)
                slotSizes.append(size)
            }
            slotOwner[best] = t
            storage[t] = .slot(best)
        }
        for i in model.inputs { try place(i, at: -1) }
        for (n, p) in ops.enumerated() {
            if case .folded = configs[n] { continue }
            for o in p.outputs { try place(o, at: n) }
        }
        var total = 0
        for s in slotSizes {
            let (t, overflow) = total.addingReportingOverflow(s)
            guard !overflow, t <= 1 << 27 else { throw TFLiteError.invalidGraph("activations need too much memory") }
            total = t
        }
    }

    /// Arena offset (floats) of each slot.
    var slotOffsets: [Int] {
        var offsets: [Int] = []
        var o = 0
        for s in slotSizes { offsets.append(o); o += s }
        return offsets
    }
}
