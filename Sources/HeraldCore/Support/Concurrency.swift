import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maps `items` with `transform` on all cores, keeping order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    if items.count < 2 { return items.map(transform) }
    let box = ResultBox<R>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        box.set(index, transform(items[index]))
    }
    return box.values()
}

/// Slots written once each from concurrent iterations; distinct indices never race. The slots are
/// one fixed allocation: a Swift array here would not do, as every write to it checks (and may
/// copy) its buffer, and those checks race between threads.
final class ResultBox<R>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<R?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
    func set(_ index: Int, _ value: R) { slots[index] = value }
    func values() -> [R] { slots.map { $0! } }
}

/// A value made on first use, once, by whichever thread asks first (the others wait for it).
/// Unchecked Sendable: the value lives behind a Mutex; `make` is only called under it.
final class Deferred<Value: Sendable>: @unchecked Sendable {
    private let lock: Mutex<Value?>
    private let make: (@Sendable () -> Value)?

    init(_ value: Value) {
        lock = Mutex(value)
        make = nil
    }

    init(_ make: @escaping @Sendable () -> Value) {
        lock = Mutex(nil)
        self.make = make
    }

    var value: Value {
        lock.withLock { stored in
            if let stored { return stored }
            let value = make!()
            stored = value
            return value
        }
    }
}

/// A value computed on a thread of its own from the moment it is made; `value` waits for it, from
/// any thread. A thread of its own, not one of libdispatch's: whoever waits for it may occupy the
/// pool's threads (the writers waiting for their folders in `SiteWriter.writeFirst`).
/// Unchecked Sendable: `result` is written once, by that thread, before it signals `done`, and
/// read only after waiting for `done` (each waiter signals it again for the next).
final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Value?

    init(_ make: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            result = make()
            done.signal()
        }
    }

    var value: Value {
        done.wait()
        defer { done.signal() }
        return result!
    }
}

/// Lets the last reference to `value` go on a background thread: freeing the model of 10,000
/// incidents, their prepared texts and the rendered files took 0.03 s or more on the main thread
/// before the build could report; a `herald build` process exits meanwhile (the kernel reclaims the memory at once), and
/// `herald serve` frees it alongside.
func releaseInBackground<T: Sendable>(_ value: T) {
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(value) {} }
}
