import Foundation

/// A real HTTP/1.1 server on 127.0.0.1 with a port the kernel picks, run as a small Python
/// script in a temporary directory: it answers each POST with the next status of `statuses`
/// (then 200) and appends each request body as one line to a file the test reads.
final class WebhookTestServer {
    let url: URL
    private let process: Process
    private let directory: String

    init(statuses: [Int]) throws {
        directory = AlertFixtures.temporaryPath("webhook")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/server.py"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory, statuses.map(String.init).joined(separator: ",")]
        try process.run()
        let portFile = directory + "/port"
        var port: String?
        for _ in 0..<200 where port == nil {
            port = try? String(contentsOfFile: portFile, encoding: .utf8)
            if port == nil { usleep(25_000) }
        }
        guard let port else { throw CocoaError(.fileNoSuchFile) }
        url = URL(string: "http://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))/hook")!
    }

    /// The bodies received, in order.
    func bodies() -> [String] {
        ((try? String(contentsOfFile: directory + "/bodies", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    deinit {
        // SIGKILL: the test process blocks SIGTERM in its threads, and a child inherits that mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let script = #"""
        import http.server, sys, os
        directory, statuses = sys.argv[1], [int(s) for s in sys.argv[2].split(",") if s]
        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with open(os.path.join(directory, "bodies"), "ab") as f:
                    f.write(body.replace(b"\n", b" ") + b"\n")
                status = statuses.pop(0) if statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        with open(os.path.join(directory, "port.tmp"), "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
        server.serve_forever()
        """#
}
