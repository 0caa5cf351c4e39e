//! Interruption: SIGINT and SIGTERM ask the run to stop. The handler only
//! sets a flag (async-signal-safe); readers check it between blocks and
//! the scan between inputs, and the run then ends without writing any
//! report, its temporary files removed. A second signal ends the process
//! at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicUsize = AtomicUsize::new(0);

/// Installs the handlers (once, from the binary; tests of the library
/// never see a signal).
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for sig in [SIGINT, SIGTERM] {
        // Registered first, so it sees the flag as the previous signal
        // left it: the second signal exits with 128 + its number.
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, &REQUESTED)?;
        signal_hook::flag::register_usize(sig, &SIGNAL, sig as usize)?;
        signal_hook::flag::register(sig, &REQUESTED)?;
    }
    Ok(())
}

/// Whether the run was asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// The signal that asked the run to stop (0 if none).
pub fn signal() -> usize {
    SIGNAL.load(Ordering::Relaxed)
}

/// Asks the run to stop, as a signal would (for tests and embedders).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}
