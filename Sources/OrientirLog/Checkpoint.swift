import Crypto
import Foundation

/// A signed statement of the log's head: "at position N the hash chain ended in H", for auditors.
///
/// ```swift
/// let key = try CheckpointKey.loadOrCreate(in: store)
/// let checkpoint = try Checkpoint.make(for: log, key: key)
/// try checkpoint.verify(against: log, publicKey: key.publicKey)
/// ```
public struct Checkpoint: Codable, Sendable, Equatable {
    /// Records covered: positions 0..<endPosition.
    public var endPosition: UInt64
    /// SHA-256 of the batch that ends at `endPosition`, hex.
    public var headHash: String
    /// When it was made, RFC 3339 UTC.
    public var time: String
    /// Ed25519 public key of the signer, base64.
    public var publicKey: String
    /// Ed25519 signature over `signedText`, base64.
    public var signature: String

    public static let format = "orientir-checkpoint-v1"

    /// The exact bytes that are signed.
    public var signedText: String { "\(Self.format)\n\(endPosition)\n\(headHash)\n\(time)\n" }

    public static func make(for log: FileLog, key: Curve25519.Signing.PrivateKey, now: Date = Date()) throws -> Checkpoint {
        let head = try log.head()
        var checkpoint = Checkpoint(
            endPosition: head.endPosition, headHash: head.hash.description,
            time: ISO8601DateFormatter().string(from: now),
            publicKey: key.publicKey.rawRepresentation.base64EncodedString(), signature: "")
        checkpoint.signature = try key.signature(for: Data(checkpoint.signedText.utf8)).base64EncodedString()
        return checkpoint
    }

    /// Checks the signature (against `trustedKey` when given, else the key the checkpoint names) and that the
    /// log, verified from its start, has exactly this head hash at `endPosition`.
    public func verify(against log: FileLog, trustedKey: Curve25519.Signing.PublicKey? = nil) throws(LogError) {
        guard let keyBytes = Data(base64Encoded: publicKey),
            let named = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
            let signatureBytes = Data(base64Encoded: signature)
        else { throw LogError(.badFormat, "the checkpoint's key or signature is not valid base64 Ed25519") }
        if let trustedKey, trustedKey.rawRepresentation != named.rawRepresentation {
            throw LogError(.signature, "the checkpoint was signed by another key than the trusted one")
        }
        guard named.isValidSignature(signatureBytes, for: Data(signedText.utf8)) else {
            throw LogError(.signature, "the checkpoint's signature does not match its content")
        }
        let report = try log.verify(upTo: endPosition)
        guard report.headHash.description == headHash else {
            throw LogError(.signature,
                           "the log's hash at position \(endPosition) is \(report.headHash), the checkpoint says \(headHash)",
                           position: endPosition)
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> Checkpoint { try JSONDecoder().decode(Checkpoint.self, from: data) }
}

/// The Ed25519 key a store signs its checkpoints with, kept in `keys/checkpoint-signing.key` (mode 0600).
public enum CheckpointKey {
    public static func path(in directory: String) -> String { directory + "/keys/checkpoint-signing.key" }

    public static func loadOrCreate(in directory: String) throws -> Curve25519.Signing.PrivateKey {
        let path = path(in: directory)
        if FileIO.exists(path) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: try FileIO.readFile(path))
        }
        try FileIO.makeDirectory(directory + "/keys")
        let key = Curve25519.Signing.PrivateKey()
        try FileIO.writeAtomically(Array(key.rawRepresentation), to: path, mode: 0o600)
        return key
    }
}
