//! WebRTC signaling for web apps: `presignSignalingUrl` (usable on its own, e.g. in an edge
//! function that keeps the credentials), and the checks and signing that
//! `KinesisVideoClient.connectSignaling` (npm/signaling.js) asks of the client.

use super::client::{abort_signal, call_error, endpoint_as_sent, input_error, Call, Client, Meta};
use super::convert::*;
use super::signer::{now_ms, with_keys};
use crate::model::OperationId;
use crate::prelude::*;
use crate::signaling::{self, Role, SignalingError, SignalingUrlParams};
use crate::sigv4::{AmzDate, MAX_EXPIRES};
use js_sys::Object;
use wasm_bindgen::prelude::*;

fn role(args: &Fields) -> Result<Role, JsValue> {
    let role = args.get("role")?.as_string().and_then(|s| Role::parse(&s));
    role.ok_or_else(|| args.fail("role", "must be \"MASTER\" or \"VIEWER\""))
}

fn expires(args: &Fields) -> Result<u32, JsValue> {
    let range = (1.0, f64::from(MAX_EXPIRES));
    let expires = args.number("expiresIn", range, true, "must be an integer from 1 to 604800 (seconds)")?;
    Ok(expires.map_or(signaling::DEFAULT_EXPIRES, |n| n as u32))
}

fn signaling_error(e: SignalingError) -> JsValue {
    type_error(&field("args", e.field()), e.problem())
}

/// A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute.
#[wasm_bindgen(js_name = presignSignalingUrl)]
pub fn presign_signaling_url(args: JsValue) -> Result<String, JsValue> {
    let args = Fields::of(args, "args")?;
    let endpoint = args.string("endpoint")?;
    let channel_arn = args.string("channelArn")?;
    let role = role(&args)?;
    let client_id = args.optional_string("clientId")?;
    let creds = args.credentials("credentials")?;
    let region = args.string("region")?;
    let expires_in = expires(&args)?;
    let ms = args.date_ms("signingDate")?.unwrap_or_else(now_ms);
    let params = SignalingUrlParams {
        endpoint: &endpoint,
        channel_arn: &channel_arn,
        role,
        client_id: client_id.as_deref(),
        credentials: &creds,
        region: &region,
        expires_in,
        time: AmzDate::from_epoch_millis(ms),
    };
    with_keys(|keys| signaling::presign_signaling_url(keys, &params)).map_err(signaling_error)
}

const NAT_TRAVERSAL: [&str; 3] = ["STUN_TURN", "TURN_ONLY", "DISABLED"];

/// `connectSignaling`'s arguments and options, checked before any request.
fn connect_args(args: JsValue, options: &JsValue, stun: Option<&str>) -> Result<JsValue, JsValue> {
    let args = Fields::of(args, "args")?;
    let channel_arn = args.optional_string("channelArn")?;
    let channel_name = args.optional_string("channelName")?;
    if channel_arn.is_none() && channel_name.is_none() {
        return Err(type_error("args", "one of channelName, channelArn is required"));
    }
    let role = role(&args)?;
    let client_id = args.optional_string("clientId")?;
    signaling::check_client_id(role, client_id.as_deref()).map_err(signaling_error)?;
    let nat = args.optional_string("natTraversal")?.unwrap_or_else(|| NAT_TRAVERSAL[0].into());
    if !NAT_TRAVERSAL.contains(&nat.as_str()) {
        return Err(args.fail("natTraversal", "must be \"STUN_TURN\", \"TURN_ONLY\" or \"DISABLED\""));
    }
    let expires_in = expires(&args)?;
    let signal = abort_signal(options)?;
    let force_refresh = read(options, "forceRefresh").map_err(|e| unreadable("options.forceRefresh", &e))?;
    if !is_absent(&force_refresh) && force_refresh.as_bool().is_none() {
        return Err(type_error("options.forceRefresh", "must be a boolean"));
    }
    let out = Object::new();
    let text = |v: Option<String>| v.map_or(JsValue::UNDEFINED, |v| JsValue::from_str(&v));
    set(&out, "channelArn", &text(channel_arn));
    set(&out, "channelName", &text(channel_name));
    set(&out, "role", &JsValue::from_str(role.as_str()));
    set(&out, "clientId", &text(client_id));
    set(&out, "natTraversal", &JsValue::from_str(&nat));
    set(&out, "expiresIn", &JsValue::from(expires_in));
    set(&out, "abortSignal", &signal.map_or(JsValue::UNDEFINED, JsValue::from));
    set(&out, "forceRefresh", &JsValue::from_bool(force_refresh.is_truthy()));
    set(&out, "stun", &stun.map_or(JsValue::UNDEFINED, JsValue::from_str));
    Ok(out.into())
}

/// What `connectSignaling` (npm/signaling.js) asks of the client between its calls.
#[wasm_bindgen]
impl Client {
    /// `connectSignaling`'s arguments and options, checked: `{ channelArn?, channelName?, role,
    /// clientId?, natTraversal, expiresIn, abortSignal?, forceRefresh }`, and `stun`, the
    /// partition's STUN server (none with a custom endpoint).
    #[wasm_bindgen(js_name = __signalingArgs)]
    pub fn signaling_args(&self, args: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        connect_args(args, &options, self.inner.stun.as_deref()).map_err(input_error)
    }

    /// Starts GetIceServerConfig at a channel's HTTPS endpoint, signed with this client's
    /// credentials and settings.
    #[wasm_bindgen(js_name = __iceServerConfig)]
    pub fn ice_server_config(&self, endpoint: JsValue, input: JsValue) -> Result<Call, JsValue> {
        let endpoint = endpoint_as_sent(&endpoint.as_string().unwrap_or_default())
            .map_err(|m| call_error("DeserializationError", m, "client", &Meta::NONE))?;
        self.inner.start_at(&endpoint, OperationId::GetIceServerConfig.operation(), &input, &JsValue::UNDEFINED)
    }

    /// The presigned WSS URL for a channel, signed with this client's credentials (at hand: see
    /// `__credentials`) and its clock as corrected by the service's answers.
    #[wasm_bindgen(js_name = __signalingUrl)]
    pub fn signaling_url(
        &self,
        endpoint: JsValue,
        channel_arn: JsValue,
        role: JsValue,
        client_id: JsValue,
        expires_in: u32,
    ) -> Result<String, JsValue> {
        // Strings from npm/signaling.js; anything else (from another caller) reads as empty.
        let text = |v: JsValue| v.as_string().unwrap_or_default();
        let (endpoint, channel_arn, role, client_id) =
            (text(endpoint), text(channel_arn), text(role), client_id.as_string());
        let creds = self.inner.credentials().current()?;
        let params = SignalingUrlParams {
            endpoint: &endpoint,
            channel_arn: &channel_arn,
            role: Role::parse(&role).unwrap_or(Role::Viewer),
            client_id: client_id.as_deref(),
            credentials: &creds,
            region: &self.inner.region,
            expires_in,
            time: AmzDate::from_epoch_millis(self.inner.now()),
        };
        with_keys(|keys| signaling::presign_signaling_url(keys, &params)).map_err(|e| {
            let message = field_message(&field("args", e.field()), e.problem());
            call_error("ValidationError", &message, "client", &Meta::NONE)
        })
    }
}
