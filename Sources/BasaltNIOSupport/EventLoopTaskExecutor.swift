import NIOCore

/// Runs Swift-concurrency jobs on one NIO event loop, so that a task started with this as its
/// executor preference runs on that loop's thread and resumes there after every suspension.
/// Without it each request would hop to the global executor and back, and a thread hand-off costs
/// ~95 µs on the target machines, more than a simple read.
///
/// The CQL server runs each request of a connection on that connection's loop, the internode
/// messenger each verb handler on its connection's loop, and the client runs request loops on the
/// loop of the connections they use (`BasaltClient.withEventLoopAffinity`).
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
