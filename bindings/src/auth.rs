//! `BstAuth`: unified identity as the apps see it (client.auth()).

use std::sync::Arc;

use banshitong_core::auth::{
    Auth, Profile, SessionState, SmsCodeSent, ThirdPartySignIn, Verification,
};

use crate::error::BstError;
use crate::runtime::{guard, run};
use crate::subscription::{SessionListener, SubscriptionHandle, forward};

#[derive(uniffi::Object)]
pub struct BstAuth {
    core: Auth,
}

impl BstAuth {
    pub(crate) fn new(core: Auth) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

#[uniffi::export]
impl BstAuth {
    pub fn state(&self) -> SessionState {
        self.core.state()
    }

    /// Calls `listener` with the session state now, then with each change,
    /// until the handle is cancelled or dropped.
    pub fn watch_session(&self, listener: Arc<dyn SessionListener>) -> Arc<SubscriptionHandle> {
        forward(self.core.watch(), move |state| listener.on_change(state))
    }

    pub async fn send_sms_code(&self, phone: String) -> Result<SmsCodeSent, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.send_sms_code(&phone).await?) }).await
    }

    pub async fn sign_in_with_sms(&self, phone: String, code: String) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.sign_in_with_sms(&phone, &code).await?) }).await
    }

    pub async fn sign_in_with_password(
        &self,
        phone: String,
        password: String,
    ) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.sign_in_with_password(&phone, &password).await?) }).await
    }

    pub async fn set_password(
        &self,
        new_password: String,
        current_password: Option<String>,
    ) -> Result<(), BstError> {
        let auth = self.core.clone();
        run(async move {
            Ok(auth
                .set_password(&new_password, current_password.as_deref())
                .await?)
        })
        .await
    }

    pub fn begin_third_party_sign_in(
        &self,
        redirect_uri: String,
        login_hint: Option<String>,
    ) -> Result<ThirdPartySignIn, BstError> {
        guard(|| {
            Ok(self
                .core
                .begin_third_party_sign_in(&redirect_uri, login_hint.as_deref())?)
        })
    }

    pub async fn complete_third_party_sign_in(
        &self,
        redirect_url: String,
    ) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.complete_third_party_sign_in(&redirect_url).await?) }).await
    }

    pub async fn verify_identity(&self, verification: Verification) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.verify_identity(verification).await?) }).await
    }

    pub async fn add_company(&self, uscc: String, name: String) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.add_company(&uscc, &name).await?) }).await
    }

    pub async fn switch_acting_identity(&self, uscc: Option<String>) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.switch_acting_identity(uscc).await?) }).await
    }

    pub async fn profile(&self) -> Result<Profile, BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.profile().await?) }).await
    }

    pub async fn sign_out(&self, wipe_local_data: bool) -> Result<(), BstError> {
        let auth = self.core.clone();
        run(async move { Ok(auth.sign_out(wipe_local_data).await?) }).await
    }
}
