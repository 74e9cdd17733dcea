//! Why a job could not be registered.

/// A registration refused; the job was not started.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("job name {0:?} is not lowercase letters, digits, '-' and '_'")]
    InvalidName(&'static str),
    #[error("job {0} is already registered")]
    Duplicate(&'static str),
    #[error("job {0} has a zero interval")]
    ZeroInterval(&'static str),
    #[error("job {0} registered after shutdown")]
    ShutDown(&'static str),
    #[error("cannot start the thread of job {name}")]
    Spawn {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
}
