import NIOCore

/// Runs Swift-concurrency jobs on one NIO event loop, so that a verb handler started by a
/// connection (with this as its executor preference) runs on that connection's thread and resumes
/// there after each suspension. Without it every request would hop to the global executor and
/// back, and a thread hand-off costs ~95 µs on the target machines, more than a simple read.
final class LoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
