//! Reading a secret for the CLI: from standard input, or from a prompt that does not echo when
//! standard input is a terminal. Never from argv, where every user's `ps` can read it.

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};

use crate::protocol::AppError;
use crate::secrets::Sensitive;

/// The secret on stdin (one line; surrounding whitespace dropped). On a terminal, `label` is
/// asked for on stderr with echo off.
pub fn read_secret(label: &str) -> Result<Sensitive<String>, AppError> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!("{label}: ");
        let _ = std::io::stderr().flush();
        let echo = EchoOff::new();
        stdin.lock().read_line(&mut text).map_err(|e| AppError::io("stdin", e))?;
        drop(echo);
        eprintln!();
    } else {
        stdin.lock().read_to_string(&mut text).map_err(|e| AppError::io("stdin", e))?;
    }
    let value = text.trim();
    if value.is_empty() {
        return Err(AppError::invalid(label, "nothing was read from standard input"));
    }
    Ok(Sensitive::new(value.to_string()))
}

/// Turns terminal echo off until dropped.
struct EchoOff {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl EchoOff {
    #[cfg(unix)]
    fn new() -> Self {
        // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed, then filled, termios struct.
        unsafe {
            let mut term: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut term) != 0 {
                return EchoOff { saved: None };
            }
            let saved = term;
            term.c_lflag &= !libc::ECHO;
            term.c_lflag |= libc::ECHONL;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &term);
            EchoOff { saved: Some(saved) }
        }
    }

    #[cfg(not(unix))]
    fn new() -> Self {
        EchoOff {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved {
            // SAFETY: restores the attributes read in `new`.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
        }
    }
}
