//! Asks with timeouts: the only way commands reach actors. A dead actor or an expired ask
//! becomes an `AppError`; ractor's own error types never leave `src/actors/`.

use std::time::Duration;

use ractor::rpc::CallResult;
use ractor::{ActorRef, RpcReplyPort};

use crate::protocol::{ActorKind, AppError};

/// The reply port every request message carries.
pub type Reply<T> = RpcReplyPort<Result<T, AppError>>;

/// Sends `msg` to `actor` and waits at most `timeout` for the answer.
pub async fn ask<M, T>(
    actor: &ActorRef<M>,
    kind: ActorKind,
    operation: &str,
    timeout: Duration,
    msg: impl FnOnce(Reply<T>) -> M,
) -> Result<T, AppError>
where
    M: ractor::Message,
    T: Send + 'static,
{
    match actor.call(msg, Some(timeout)).await {
        Ok(CallResult::Success(result)) => result,
        Ok(CallResult::Timeout) => Err(AppError::Timeout { operation: operation.to_string(), after: timeout }),
        Ok(CallResult::SenderError) | Err(_) => Err(AppError::Unavailable { actor: kind }),
    }
}

/// Answers a request; a caller that gave up (timeout) is not an error worth reporting.
pub fn answer<T>(reply: Reply<T>, result: Result<T, AppError>) {
    let _ = reply.send(result);
}
