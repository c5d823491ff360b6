import ArgumentParser
import Crypto
import Foundation
import OrientirLog

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Write or verify a signed checkpoint (position, head hash, time) of the log.",
        subcommands: [Write.self, Verify.self, Key.self])

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the log's current head with the store's Ed25519 key and write it as JSON.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Write the checkpoint to this file instead of stdout.")
        var out: String?

        func run() throws {
            let directory = try storeOptions.directory()
            let log = try FileLog(directory: directory, options: .reading)
            let checkpoint = try Checkpoint.make(for: log, key: try CheckpointKey.loadOrCreate(in: directory))
            let data = try checkpoint.encoded()
            if let out {
                try data.write(to: URL(fileURLWithPath: out), options: .atomic)
                Diagnostics.note("checkpoint at position \(checkpoint.endPosition), head \(checkpoint.headHash) -> \(out)")
            } else {
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a checkpoint's signature and that the log still has its head hash at its position.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The checkpoint JSON file.")
        var file: String
        @Option(help: "The public key to trust (base64), instead of the one named in the file.")
        var publicKey: String?

        func run() throws {
            let checkpoint = try Checkpoint.decode(try Data(contentsOf: URL(fileURLWithPath: file)))
            var trusted: Curve25519.Signing.PublicKey?
            if let publicKey {
                guard let raw = Data(base64Encoded: publicKey),
                    let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
                else { throw CommandFailure("--public-key is not a base64 Ed25519 public key", status: .usage) }
                trusted = key
            }
            let log = try FileLog(directory: try storeOptions.directory(), options: .reading)
            try checkpoint.verify(against: log, trustedKey: trusted)
            print("checkpoint holds: position \(checkpoint.endPosition), head hash \(checkpoint.headHash), "
                  + "signed \(checkpoint.time)")
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the store's checkpoint public key (base64).")
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let key = try CheckpointKey.loadOrCreate(in: try storeOptions.directory())
            print(key.publicKey.rawRepresentation.base64EncodedString())
        }
    }
}
