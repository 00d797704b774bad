import CRMTestSupport
import Foundation
import GRDB
import Testing

/// `crm-server serve --tls-cert --tls-key` serves HTTPS; `crm init --ca-file` trusts a
/// private CA, made here at test time with openssl; without it the client refuses.
@Suite("TLS: HTTPS with a private CA", .serialized)
struct TLSTests {
    private func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
    }

    @Test func clientTrustsTheServerThroughItsPrivateCAAndRefusesItWithoutIt() throws {
        let directory = try TemporaryDirectory("crm-tls")
        try makeCertificates(in: directory)
        let server = try ServerProcess(in: directory, arguments: ["--tls-cert", directory.file("server.pem"), "--tls-key", directory.file("server.key")])
        #expect(server.url.hasPrefix("https://127.0.0.1:"))
        let user = try server.addUser("kim")

        let refused = try CommandRunner.run("crm", ["init", "--replica", directory.file("untrusting.crm"), "--server", server.url, "--token", user.token])
        #expect(refused.status != 0)
        #expect(refused.stderr.lowercased().contains("certificate"), "\(refused.stderr)")

        let trusting = directory.file("trusting.crm")
        let accepted = try CommandRunner.run("crm", ["init", "--replica", trusting, "--server", server.url, "--token", user.token,
                                                     "--ca-file", directory.file("ca.pem")])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let added = try CommandRunner.run("crm", ["client", "add", "--replica", trusting, "--name", "Kim Minji"])
        #expect(added.status == 0)
        let synced = try CommandRunner.run("crm", ["sync", "--replica", trusting])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout.contains("pushed 1"))
    }

    /// A CA and a server certificate for 127.0.0.1 in `directory`.
    private func makeCertificates(in directory: TemporaryDirectory, name: String = "ca") throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2",
                     "-subj", "/CN=BranchSync test CA \(name)"], in: directory)
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: directory)
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(toFile: directory.file("ext.cnf"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "\(name).pem", "-CAkey", "\(name).key", "-CAcreateserial", "-out", "server.pem",
                     "-days", "2", "-extfile", "ext.cnf"], in: directory)
    }

    @Test func theTrustedCAIsStoredByItsAbsolutePathSoWhereCrmRunsDoesNotChangeIt() throws {
        let directory = try TemporaryDirectory("crm-tls")
        try makeCertificates(in: directory)
        let server = try ServerProcess(in: directory, arguments: ["--tls-cert", directory.file("server.pem"), "--tls-key", directory.file("server.key")])
        let user = try server.addUser("kim")
        // Initialised with a relative path, from the certificates' directory.
        let replica = directory.file("office.crm")
        let initialised = try CommandRunner.run("crm", ["init", "--replica", replica, "--server", server.url, "--token", user.token, "--ca-file", "ca.pem"],
                                                directory: directory.path)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let stored = try DatabaseQueue(path: replica).read { db in try String.fetchOne(db, sql: "SELECT ca_file FROM replica_meta") }
        #expect(stored == URL(fileURLWithPath: directory.file("ca.pem")).resolvingSymlinksInPath().path)
        // Run from a directory holding another ca.pem: the stored one is still the one used.
        let elsewhere = try TemporaryDirectory("crm-tls-other")
        try makeCertificates(in: elsewhere)
        let synced = try CommandRunner.run("crm", ["sync", "--replica", replica], directory: elsewhere.path)
        #expect(synced.status == 0, "\(synced.stderr)")
    }

    @Test func theServerRefusesTLSOlderThanOnePointTwo() throws {
        let directory = try TemporaryDirectory("crm-tls")
        try makeCertificates(in: directory)
        let server = try ServerProcess(in: directory, arguments: ["--tls-cert", directory.file("server.pem"), "--tls-key", directory.file("server.key")])
        func handshake(_ version: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_client", "-connect", "127.0.0.1:\(server.port)", version, "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", directory.file("ca.pem")]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try handshake("-tls1_2") == 0, "the control: TLS 1.2 must connect")
        #expect(try handshake("-tls1_1") != 0)
        #expect(try handshake("-tls1") != 0)
    }
}
