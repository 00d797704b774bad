import Foundation
import LocalReplica
import WorkstationUI

/// The progress bar of a long pull (`crm init`, `crm sync`) on standard error, shown when
/// standard error is a terminal (or `CRM_PROGRESS=1`), so scripts reading the output see
/// none of it.
enum TerminalProgress {
    /// A reporter for ``SyncConfiguration/progress``, or `nil` when no bar is wanted.
    static func reporter(environment: [String: String] = ProcessInfo.processInfo.environment) -> (@Sendable (CatchUp) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 || environment["CRM_PROGRESS"] == "1" else { return nil }
        return { catchUp in
            FileHandle.standardError.write(Data(line(catchUp, now: Int64(Date().timeIntervalSince1970 * 1000)).utf8))
        }
    }

    /// `\r[#####·····]  12,000 of 100,000 changes · about 8 s left`, ending the line once
    /// all arrived.
    static func line(_ catchUp: CatchUp, now: Int64, width: Int = 24) -> String {
        let filled = Int((catchUp.fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled)
        var text = "\r[\(bar)] \(grouped(catchUp.done)) of \(grouped(catchUp.total)) changes"
        if catchUp.done >= catchUp.total { return text + "\n" }
        if let left = catchUp.secondsLeft(now: now) { text += " · about \(Messages(.en).duration(seconds: left)) left" }
        return text + "   "
    }

    /// 1234567 as `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
