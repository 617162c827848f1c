//! The pod claims of a sync: look-up by name, creation before the pod (a claim that is being
//! deleted is an error), and owner references kept in line with the retention policy
//! (stateful_pod_control.go `createPersistentVolumeClaims`, `UpdatePodClaimForRetentionPolicy`).

use super::claims;
use super::identity::{self, member_ordinal};
use super::reconcile::SetSync;
use crate::engine::action::{Action, WhyReason};
use crate::engine::model::{Object, PersistentVolumeClaim, Pod};

impl<'a> SetSync<'a> {
    pub(super) fn existing_claims(&self, ordinal: u32) -> Vec<Option<&'a PersistentVolumeClaim>> {
        let (store, set) = (self.ctx.store, self.set);
        // Names only: this runs for every pod on every sync, so no claim objects are built here.
        set.spec
            .volume_claim_templates
            .iter()
            .map(|t| {
                store.get::<PersistentVolumeClaim>(
                    &set.metadata.namespace,
                    &identity::claim_name(set, &t.metadata.name, ordinal),
                )
            })
            .collect()
    }

    /// `createPersistentVolumeClaims`: missing claims are created (with the owner references
    /// the retention policy wants); a claim that is being deleted is an error.
    pub(super) fn create_claims(&mut self, pod: &Pod, ordinal: u32) -> Result<(), String> {
        let mut errors = Vec::new();
        let existing = self.existing_claims(ordinal);
        for (mut claim, found) in claims::claims_for(self.set, ordinal)
            .into_iter()
            .zip(existing)
        {
            match found {
                None => {
                    claims::fix_owner_refs(&mut claim, self.set, pod, ordinal);
                    let message = format!(
                        "Create Claim {} Pod {} in StatefulSet {} success",
                        claim.metadata.name, pod.metadata.name, self.set.metadata.name
                    );
                    self.out
                        .act(Action::Create(Object::PersistentVolumeClaim(claim)));
                    self.event(false, "SuccessfulCreate", message);
                }
                Some(c) if c.metadata.deletion_timestamp.is_some() => {
                    errors.push(format!("pvc {} is being deleted", c.metadata.name));
                    self.out.wait(
                        self.pod_key(&pod.metadata.name),
                        WhyReason::ClaimBeingDeleted {
                            claim: c.metadata.name.clone(),
                        },
                    );
                }
                Some(c) => self.fix_claim_refs(c, pod, ordinal),
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(format!("[{}]", errors.join(", "))),
        }
    }

    /// `createMissingPersistentVolumeClaims` for a Pending pod (someone deleted its claim).
    pub(super) fn create_missing_claims(&mut self, pod: &Pod, ordinal: u32) -> Result<(), String> {
        let result = self.create_claims(pod, ordinal);
        if let Err(err) = &result {
            self.failure = Some(format!(
                "Update Pod {} in StatefulSet {} failed error: {err}",
                pod.metadata.name, self.set.metadata.name
            ));
        }
        result
    }

    /// Brings an existing claim's owner references in line with the retention policy.
    pub(super) fn fix_claim_refs(
        &mut self,
        claim: &PersistentVolumeClaim,
        pod: &Pod,
        ordinal: u32,
    ) {
        if claims::owner_up_to_date(claim, self.set, pod, ordinal) {
            return;
        }
        if claims::has_unexpected_controller(claim, self.set, pod) {
            self.event(true, "ConflictingController", format!(
                "PersistentVolumeClaim {} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim",
                claim.metadata.name
            ));
        }
        let mut fixed = claim.clone();
        claims::fix_owner_refs(&mut fixed, self.set, pod, ordinal);
        self.out
            .act(Action::Update(Object::PersistentVolumeClaim(fixed)));
    }

    pub(super) fn claims_match_policy(&self, pod: &Pod, ordinal: u32) -> bool {
        self.existing_claims(ordinal)
            .into_iter()
            .flatten()
            .all(|c| claims::owner_up_to_date(c, self.set, pod, ordinal))
    }

    /// Before scaling down, condemned pods' claims get the owner references the policy wants
    /// (a Pod owner under `whenScaled: Delete`, so the garbage collector deletes them).
    pub(super) fn claim_fix_pass(&mut self) -> bool {
        for pod in self.condemned.clone() {
            let Some(ordinal) = member_ordinal(self.set, pod) else {
                continue;
            };
            for claim in self.existing_claims(ordinal).into_iter().flatten() {
                self.fix_claim_refs(claim, pod, ordinal);
            }
        }
        false
    }
}
