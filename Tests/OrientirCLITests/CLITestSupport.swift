import Foundation
import XCTest

/// Runs the built `orientir` executable, as a user would.
enum CLI {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orientir")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `orientir ARGS` to completion with `input` on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory(_ test: XCTestCase) -> String {
        let path = NSTemporaryDirectory() + "orientir-cli-" + UUID().uuidString.lowercased()
        // Tests also name sibling files after it (`path + "-a.ndjson"`): the teardown removes those too.
        test.addTeardownBlock {
            let directory = (path as NSString).deletingLastPathComponent
            let stem = (path as NSString).lastPathComponent
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasPrefix(stem) {
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
        }
        return path
    }

    /// The fixture corpus of valid events (Tests/Fixtures/events/valid.ndjson).
    static var validCorpus: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/events/valid.ndjson")
    }

    static func storeFiles(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".log") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }
}
