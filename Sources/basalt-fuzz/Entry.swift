import BasaltFuzzTargets
import Foundation

#if BASALT_LIBFUZZER
/// libFuzzer's entry point (built by `scripts/fuzz` with `-sanitize=fuzzer`); `BASALT_FUZZ_TARGET`
/// names the target.
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["BASALT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("BASALT_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Without libFuzzer: `basalt-fuzz run TARGET PATH...` runs each file (or every file of each
/// directory) through the target, as a crash reproducer; `basalt-fuzz seeds DIRECTORY` writes each
/// target's seed corpus to DIRECTORY/<target>/.
@main
struct FuzzTool {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch (arguments.first, arguments.count) {
        case ("run", 3...):
            guard let target = FuzzTarget(rawValue: arguments[1]) else { usage() }
            var count = 0
            for path in arguments.dropFirst(2) {
                for file in files(at: path) {
                    target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                    count += 1
                }
            }
            print("basalt-fuzz: \(target.rawValue): \(count) inputs ran")
        case ("seeds", 2):
            for target in FuzzTarget.allCases {
                let directory = arguments[1] + "/" + target.rawValue
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for (index, seed) in try target.seeds().enumerated() {
                    try Data(seed).write(to: URL(fileURLWithPath: directory + "/seed-\(index)"))
                }
            }
        default:
            usage()
        }
    }

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("""
            usage: basalt-fuzz run TARGET PATH...   (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))
                   basalt-fuzz seeds DIRECTORY

            """.utf8))
        exit(2)
    }
}
#endif
