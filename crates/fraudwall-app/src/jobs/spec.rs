//! What a job is called and when it runs.

use std::time::Duration;

use super::JobError;

/// A job's name and schedule, given when it is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSpec {
    /// Names the thread (`fraudwall-<name>`), the `job` label of every metric, the log fields
    /// and the stats. Lowercase ASCII letters, digits, `-` and `_`; unique within a runner. A
    /// `&'static str` so that metric labels never allocate.
    pub name: &'static str,
    pub schedule: Schedule,
}

impl JobSpec {
    pub const fn every(name: &'static str, period: Duration) -> JobSpec {
        JobSpec {
            name,
            schedule: Schedule::Every(period),
        }
    }

    pub const fn due(name: &'static str, recheck: Duration) -> JobSpec {
        JobSpec {
            name,
            schedule: Schedule::Due { recheck },
        }
    }

    pub(crate) fn validate(&self) -> Result<(), JobError> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !name_ok {
            return Err(JobError::InvalidName(self.name));
        }
        let step = match self.schedule {
            Schedule::Every(period) => period,
            Schedule::Due { recheck } => recheck,
        };
        // a zero period or recheck would spin the thread on the store
        if step.is_zero() {
            return Err(JobError::ZeroInterval(self.name));
        }
        Ok(())
    }
}

/// When the runner calls a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Runs a period after the start of its previous run, and at once when woken. Start to start,
    /// and never more than one run owed: a run longer than the period is followed at once by the
    /// next one, which reports the overrun as its lag, instead of a burst of missed runs.
    ///
    /// The first run comes one period after registration, as the store was just read at start;
    /// wake the handle right after registering to run at once. [`Job::next_due`] is not called.
    ///
    /// [`Job::next_due`]: super::Job::next_due
    Every(Duration),

    /// Runs when work is due, as the job itself says: the runner asks [`Job::next_due`] when the
    /// job starts, after each run and after each wake, and runs the job once that time has passed
    /// (by the wall clock, as due times live in the store). A wake only makes it ask again: a new
    /// row due in three days should not cost a run now.
    ///
    /// `recheck` bounds how long an answer is trusted. The runner asks again at least this often,
    /// for due work that arrives without a wake (written by another process or, later, another
    /// node), and waits this long before asking again after a due query failed, or before
    /// running again after a run failed, so that a row that always fails does not spin the
    /// thread; a wake cuts either wait short.
    ///
    /// # Several nodes
    ///
    /// The runner only decides when to look. When several nodes share due work, the lease goes
    /// inside [`Job::run`]: the run claims the due rows through the store (due, and not leased by
    /// a live lease of another node), handles only the rows it claimed, and leaves the rest. For
    /// the same reason [`Job::next_due`] should answer with the earliest time this node could
    /// claim work, counting a row leased elsewhere as due when its lease expires; answering with
    /// a time already past that no run can act on would make the runner run again and again.
    ///
    /// [`Job::next_due`]: super::Job::next_due
    /// [`Job::run`]: super::Job::run
    Due { recheck: Duration },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_words() {
        let second = Duration::from_secs(1);
        assert!(JobSpec::every("list-expiry_2", second).validate().is_ok());
        for bad in ["", "Tokens", "list expiry", "jobs/x", "naïve", "a\0b"] {
            assert!(
                matches!(
                    JobSpec::every(bad, second).validate(),
                    Err(JobError::InvalidName(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn intervals_are_not_zero() {
        assert!(matches!(
            JobSpec::every("tokens", Duration::ZERO).validate(),
            Err(JobError::ZeroInterval("tokens"))
        ));
        assert!(matches!(
            JobSpec::due("warnings", Duration::ZERO).validate(),
            Err(JobError::ZeroInterval("warnings"))
        ));
        assert!(JobSpec::due("warnings", Duration::MAX).validate().is_ok());
    }
}
