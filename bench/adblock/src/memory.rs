//! Resident memory of this process, from `/proc/self/status` (Linux).

use serde::{Deserialize, Serialize};

/// Resident set sizes in KiB.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Usage {
    /// The peak so far (`VmHWM`).
    pub peak_kib: u64,
    /// The current size (`VmRSS`).
    pub now_kib: u64,
}

impl Usage {
    pub fn read() -> Result<Usage, String> {
        let status = std::fs::read_to_string("/proc/self/status")
            .map_err(|e| format!("cannot read /proc/self/status: {e}"))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .ok_or_else(|| format!("/proc/self/status has no {name}"))
        };
        Ok(Usage {
            peak_kib: field("VmHWM:")?,
            now_kib: field("VmRSS:")?,
        })
    }

    /// Resets the peak to the current size and returns the usage then, so that a later peak
    /// counts only what was allocated since (and not, say, the transient buffers of parsing the
    /// lists). Writing 5 to `clear_refs` does that (Linux 4.0 and later); on failure the old
    /// peak stays and the growth of the peak reads low.
    pub fn reset_peak() -> Result<Usage, String> {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        Usage::read()
    }

    /// Growth since `baseline`, in KiB. Both are measured from the baseline's current size.
    pub fn since(&self, baseline: &Usage) -> Usage {
        Usage {
            peak_kib: self.peak_kib.saturating_sub(baseline.now_kib),
            now_kib: self.now_kib.saturating_sub(baseline.now_kib),
        }
    }
}
