#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations of the keystore: whole-or-nothing replacement and shredding of the old copy.
enum KeystoreFile {
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return content }
            content.append(contentsOf: chunk[0..<count])
        }
    }

    /// Replaces `path` by `content`: writes `path.tmp`, fsyncs it, overwrites the old file's bytes with zeros
    /// (so no copy of a destroyed key stays in its blocks), renames the temporary file over it and fsyncs the
    /// directory. A crash leaves either the old file or the complete new one (as `path.tmp`, which ``load`` accepts).
    static func replace(_ path: String, with content: [UInt8]) throws(PersonalDataVaultError) {
        let temporary = path + ".tmp"
        try writeSynced(temporary, content)
        try shred(path)
        guard rename(temporary, path) == 0 else { throw .io("rename \(temporary)", errno) }
        try syncDirectory(of: path)
    }

    private static func writeSynced(_ path: String, _ content: [UInt8]) throws(PersonalDataVaultError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw .io("open \(path)", errno) }
        defer { close(descriptor) }
        try writeAll(descriptor, content, path)
        guard fsync(descriptor) == 0 else { throw .io("fsync \(path)", errno) }
    }

    private static func writeAll(_ descriptor: Int32, _ content: [UInt8], _ path: String) throws(PersonalDataVaultError) {
        var offset = 0
        while offset < content.count {
            let written = content.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw .io("write \(path)", errno) }
            offset += written
        }
    }

    /// Overwrites an existing file's bytes with zeros in place and fsyncs it.
    private static func shred(_ path: String) throws(PersonalDataVaultError) {
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw .io("open \(path)", errno)
        }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 0, lseek(descriptor, 0, SEEK_SET) == 0 else { throw .io("seek \(path)", errno) }
        try writeAll(descriptor, [UInt8](repeating: 0, count: Int(size)), path)
        guard fsync(descriptor) == 0 else { throw .io("fsync \(path)", errno) }
    }

    private static func syncDirectory(of path: String) throws(PersonalDataVaultError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        guard descriptor >= 0 else { throw .io("open \(directory)", errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io("fsync \(directory)", errno) }
    }

    static func createDirectory(_ path: String) throws(PersonalDataVaultError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o700) != 0, errno != EEXIST { throw .io("mkdir \(prefix)", errno) }
        }
    }
}
