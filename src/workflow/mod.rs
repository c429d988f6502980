//! The workflow engine's pure parts: artifact contracts, step table, verification, reset plans,
//! gates, autofill, the run brief and prompt deployment. The `WorkflowActor`
//! (`actors/workflow/`) and the commands compose them with the actors.

pub mod artifacts;
pub mod brief;
pub mod finish;
pub mod gate;
pub mod reset;
pub mod sources;
pub mod steps;
pub mod verify;
