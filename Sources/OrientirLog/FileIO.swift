import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, error-checked wrappers over the POSIX calls the log makes.
enum FileIO {
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func fail(_ what: String, _ path: String, code: Int32 = errno) -> LogError {
        LogError(.io, "\(what) failed: \(errorText(code))", path: path)
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(LogError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw fail("open", path) }
        return fd
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func size(_ fd: Int32, _ path: String) throws(LogError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("fstat", path) }
        return Int(info.st_size)
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, _ path: String) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            done += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int, _ path: String) throws(LogError) {
        let failure: LogError? = bytes.withUnsafeBytes { raw in
            do throws(LogError) {
                try writeAll(fd, raw, at: offset, path)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ fd: Int32, count: Int, at offset: Int, _ path: String) throws(LogError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if n == 0 { break }
            done += n
        }
        buffer.removeLast(count - done)
        return buffer
    }

    static func readFile(_ path: String) throws(LogError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        return try read(fd, count: try size(fd, path), at: 0, path)
    }

    static func sync(_ fd: Int32, _ path: String) throws(LogError) {
        guard fdatasync(fd) == 0 else { throw fail("fdatasync", path) }
    }

    static func syncDirectory(_ path: String) throws(LogError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw fail("fsync", path) }
    }

    static func truncate(_ fd: Int32, to length: Int, _ path: String) throws(LogError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw fail("ftruncate", path) }
    }

    static func move(_ path: String, to target: String) throws(LogError) {
        guard rename(path, target) == 0 else { throw fail("rename", target) }
    }

    static func remove(_ path: String) throws(LogError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw fail("unlink", path) }
    }

    static func makeDirectory(_ path: String) throws(LogError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw fail("mkdir", path) }
    }

    /// Writes a file whole or not at all: a temporary file, fsync, rename, fsync of the directory.
    /// `durable: false` skips both syncs, for caches that are checked before use: after a crash the file is the
    /// old one, the new one, or one that fails its check, never a mix that passes.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, durable: Bool = true) throws(LogError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do throws(LogError) {
            try writeAll(fd, bytes, at: 0, temporary)
            if durable { guard fsync(fd) == 0 else { throw fail("fsync", temporary) } }
        } catch {
            close(fd)
            try? remove(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("rename", path) }
        if durable { try syncDirectory(directoryOf(path)) }
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func listDirectory(_ path: String) throws(LogError) -> [String] {
        guard let dir = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// A read-only memory map of a file's first `count` bytes, unmapped when released.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    init(fd: Int32, count: Int, path: String) throws(LogError) {
        if count == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw FileIO.fail("mmap", path) }
        madvise(mapped, count, MADV_SEQUENTIAL)
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: count)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}

/// A pthread mutex, for state shared by the appending, committing and reading threads.
final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Runs `body` on a new detached thread (the log's committer and sealer, the projection engine's fold workers:
/// threads that must run side by side whatever a shared pool decides).
public func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    precondition(status == 0, "pthread_create failed: \(status)")
    pthread_detach(thread)
}

/// Work started on a thread of its own; `wait()` blocks until it is done and returns its result.
final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?  // written once, before `done` is signalled

    init(_ work: @escaping @Sendable () throws -> T) {
        startThread { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    func wait() throws -> T {
        done.wait()
        defer { done.signal() }  // later waits return at once
        return try result!.get()
    }
}

/// A value handed to another thread while its owner promises not to change it until that thread is done.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
