import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Measures laps of wall-clock and CPU time (for `herald build --timings` and the benchmark). CPU
/// time is the process's user + system time on all threads, so a stage using both cores fully
/// shows about twice its wall time.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = Stopwatch.cpuSeconds()

    /// The time since the last lap (or the start), named `stage`.
    @discardableResult
    mutating func lap(_ stage: String = "") -> (stage: String, seconds: Double, cpu: Double) {
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Stopwatch.cpuSeconds()
        defer { (last, lastCPU) = (now, cpu) }
        return (stage, Double(now - last) / 1e9, cpu - lastCPU)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
