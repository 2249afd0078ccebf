import BasaltCore

/// The consistent view a repair compares: every fact written at or before the repair's cutoff
/// timestamp (the moment it started, in write-timestamp microseconds). Each replica filters what
/// it holds the same way, so writes that land while the trees are being built — on some replicas
/// sooner than on others — do not show as differences; the next repair covers them.
///
/// The view is of merged facts: a cell overwritten after the cutoff is gone from a replica that
/// already has the newer write, so that one partition can show as different and is exchanged (an
/// exchange that is harmless, being ordinary reconciling writes).
extension PartitionUpdate {
    /// The facts with timestamps at or before `cutoff`; nil when none are left.
    public func asOf(_ cutoff: Int64) -> PartitionUpdate? {
        var view = self
        if view.partitionDeletion.markedForDeleteAt > cutoff { view.partitionDeletion = .live }
        view.rangeTombstones.removeAll { $0.deletion.markedForDeleteAt > cutoff }
        view.staticRow = view.staticRow?.asOf(cutoff)
        view.rows = view.rows.compactMap { $0.asOf(cutoff) }
        return view.isEmpty ? nil : view
    }
}

extension Row {
    /// The row's facts at or before `cutoff`; nil when none are left.
    public func asOf(_ cutoff: Int64) -> Row? {
        var view = self
        if view.liveness.timestamp > cutoff { view.liveness = .none }
        if view.deletion.markedForDeleteAt > cutoff { view.deletion = .live }
        view.complexDeletions.removeAll { $0.deletion.markedForDeleteAt > cutoff }
        view.cells.removeAll { $0.timestamp > cutoff }
        return view.isEmpty ? nil : view
    }
}
