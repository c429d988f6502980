//! Asks with timeouts: the only way commands reach actors. A dead actor or an expired ask
//! becomes an `AppError`; ractor's own error types never leave `src/actors/`.

use std::time::Duration;

use ractor::concurrency::OneshotReceiver;
use ractor::{ActorRef, MessagingErr, RpcReplyPort};

use super::supervision::{ActorSlot, RESTART_WAIT};
use crate::protocol::{ActorKind, AppError};

/// The reply port every request message carries.
pub type Reply<T> = RpcReplyPort<Result<T, AppError>>;

/// Sends `msg` to the actor in `slot` and waits at most `timeout` for the answer.
///
/// A message that could not be delivered (the actor had just died) waits for the root
/// supervisor's restart and goes to the new actor; one the actor died while handling is
/// answered `unavailable`, so a panic costs exactly that request.
pub async fn ask<M, T>(
    slot: &ActorSlot<M>,
    kind: ActorKind,
    operation: &str,
    timeout: Duration,
    msg: impl FnOnce(Reply<T>) -> M,
) -> Result<T, AppError>
where
    M: ractor::Message,
    T: Send + 'static,
{
    ask_via(slot, kind, operation, timeout, msg, Some).await
}

/// [`ask`] with a way past the mailbox: `deliver` hands the message straight to whatever
/// answers it for the actor (the database's connection threads), saving a hop through the
/// actor's task, or gives it back to go through the mailbox.
pub async fn ask_via<M, T>(
    slot: &ActorSlot<M>,
    kind: ActorKind,
    operation: &str,
    timeout: Duration,
    msg: impl FnOnce(Reply<T>) -> M,
    deliver: impl FnOnce(M) -> Option<M>,
) -> Result<T, AppError>
where
    M: ractor::Message,
    T: Send + 'static,
{
    let (message, answer) = request(msg, timeout);
    if let Some(message) = deliver(message) {
        let target = slot.current();
        if let Err(MessagingErr::SendErr(message)) = target.send_message(message) {
            let Some(restarted) = slot.replacement(&target, RESTART_WAIT).await else {
                return Err(AppError::Unavailable { actor: kind });
            };
            restarted.send_message(message).map_err(|_| AppError::Unavailable { actor: kind })?;
        }
    }
    await_answer(answer, kind, operation, timeout).await
}

/// [`ask`] for an actor no one restarts (an agent): a dead one is `unavailable` at once.
pub async fn ask_actor<M, T>(
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
    let (message, answer) = request(msg, timeout);
    actor.send_message(message).map_err(|_| AppError::Unavailable { actor: kind })?;
    await_answer(answer, kind, operation, timeout).await
}

/// The message with its reply port, and where the answer will arrive.
fn request<M, T>(msg: impl FnOnce(Reply<T>) -> M, timeout: Duration) -> (M, OneshotReceiver<Result<T, AppError>>) {
    let (port, answer) = ractor::concurrency::oneshot();
    (msg(RpcReplyPort::from((port, timeout))), answer)
}

async fn await_answer<T>(
    answer: OneshotReceiver<Result<T, AppError>>,
    kind: ActorKind,
    operation: &str,
    timeout: Duration,
) -> Result<T, AppError> {
    match tokio::time::timeout(timeout, answer).await {
        Ok(Ok(result)) => result,
        // The reply port was dropped unanswered: the actor died while handling the request.
        Ok(Err(_)) => Err(AppError::Unavailable { actor: kind }),
        Err(_) => Err(AppError::Timeout { operation: operation.to_string(), after: timeout }),
    }
}

/// Answers a request; a caller that gave up (timeout) is not an error worth reporting.
pub fn answer<T>(reply: Reply<T>, result: Result<T, AppError>) {
    let _ = reply.send(result);
}
