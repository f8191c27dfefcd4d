//! Endpoint resolution for the `kinesisvideo` control plane.
//!
//! This is a direct translation of the service's Smithy endpoint rule set
//! (`endpoint-rule-set-1.json`, version 1.0) into plain Rust, together with the
//! slice of the AWS partitions data that the rule set's `aws.partition`
//! function needs. The rule set, in order:
//!
//! 1. `Endpoint` set: error if `UseFIPS` or `UseDualStack`, otherwise the custom
//!    endpoint verbatim (this rule set does not parse or validate it).
//! 2. `Region` set: look up the partition, then
//!    - FIPS + dual-stack: `https://kinesisvideo-fips.{Region}.{dualStackDnsSuffix}`
//!    - FIPS: `https://kinesisvideo-fips.{Region}.{dnsSuffix}`
//!    - dual-stack: `https://kinesisvideo.{Region}.{dualStackDnsSuffix}`
//!    - otherwise: `https://kinesisvideo.{Region}.{dnsSuffix}`
//!
//!    each guarded by the partition's `supportsFIPS` / `supportsDualStack`.
//! 3. Otherwise: "Invalid Configuration: Missing Region".
//!
//! One guard is added on top of the rule set: the region is interpolated into
//! the host name, so a region that is not a valid DNS host label (RFC 1123:
//! 1 to 63 ASCII letters, digits and hyphens, starting with a letter or digit)
//! is rejected rather than turned into a host such as `evil.com#`. The error
//! message is the one AWS rule sets use for that check.
//!
//! The module is pure Rust with no dependencies and avoids `format!` and
//! `Debug` formatting to keep the WebAssembly output small.

use crate::prelude::*;
use core::fmt;

/// Inputs of the rule set: `Region`, `UseFIPS`, `UseDualStack` and `Endpoint`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointParams<'a> {
    /// `AWS::Region`.
    pub region: Option<&'a str>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dualstack: bool,
    /// `SDK::Endpoint`: a custom endpoint URL that overrides resolution.
    pub endpoint: Option<&'a str>,
}

/// An error rule of the rule set. The message is exactly the rule's `error` string.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EndpointError(&'static str);

impl EndpointError {
    /// The error message, e.g. `"Invalid Configuration: Missing Region"`.
    pub fn message(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

// Hand-written so that no string escaping code is pulled in.
impl fmt::Debug for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EndpointError(\"")?;
        f.write_str(self.0)?;
        f.write_str("\")")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EndpointError {}

const FIPS_WITH_CUSTOM_ENDPOINT: EndpointError =
    EndpointError("Invalid Configuration: FIPS and custom endpoint are not supported");
const DUALSTACK_WITH_CUSTOM_ENDPOINT: EndpointError =
    EndpointError("Invalid Configuration: Dualstack and custom endpoint are not supported");
const MISSING_REGION: EndpointError = EndpointError("Invalid Configuration: Missing Region");
const INVALID_REGION: EndpointError = EndpointError("Invalid region: region was not a valid DNS name.");
const NO_FIPS_AND_DUALSTACK: EndpointError =
    EndpointError("FIPS and DualStack are enabled, but this partition does not support one or both");
const NO_FIPS: EndpointError = EndpointError("FIPS is enabled but this partition does not support FIPS");
const NO_DUALSTACK: EndpointError = EndpointError("DualStack is enabled but this partition does not support DualStack");

/// Resolves the control-plane endpoint URL, e.g. `https://kinesisvideo.us-east-1.amazonaws.com`.
pub fn resolve(p: &EndpointParams) -> Result<String, EndpointError> {
    if let Some(endpoint) = p.endpoint {
        if p.use_fips {
            return Err(FIPS_WITH_CUSTOM_ENDPOINT);
        }
        if p.use_dualstack {
            return Err(DUALSTACK_WITH_CUSTOM_ENDPOINT);
        }
        return Ok(endpoint.to_owned());
    }
    let region = match p.region {
        Some(region) => region,
        None => return Err(MISSING_REGION),
    };
    if !is_valid_host_label(region) {
        return Err(INVALID_REGION);
    }
    let part = partition(region);
    match (p.use_fips, p.use_dualstack) {
        (true, true) if !(part.supports_fips && part.supports_dual_stack) => return Err(NO_FIPS_AND_DUALSTACK),
        (true, false) if !part.supports_fips => return Err(NO_FIPS),
        (false, true) if !part.supports_dual_stack => return Err(NO_DUALSTACK),
        _ => {}
    }
    Ok(concat(&[
        if p.use_fips { "https://kinesisvideo-fips." } else { "https://kinesisvideo." },
        region,
        ".",
        part.suffix(p.use_dualstack),
    ]))
}

/// The STUN server of Kinesis Video Streams WebRTC in `region`, which the
/// service does not return in its ICE server configuration:
///
/// - `stun:stun.kinesisvideo.{region}.{dnsSuffix}:443`
/// - dual-stack: `stun:stun.kinesisvideo.{region}.{dualStackDnsSuffix}:443`
/// - FIPS: `stuns:stun.kinesisvideo-fips.{region}.{dnsSuffix}:443`
///   (with the dual-stack suffix when both are asked for)
///
/// The region is not validated here; resolve the control-plane endpoint with
/// [`resolve`] first to reject malformed regions.
pub fn stun_uri(region: &str, use_fips: bool, use_dualstack: bool) -> String {
    concat(&[
        if use_fips { "stuns:stun.kinesisvideo-fips." } else { "stun:stun.kinesisvideo." },
        region,
        ".",
        partition(region).suffix(use_dualstack),
        ":443",
    ])
}

fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|s| s.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `isValidHostLabel(value, false)`: 1 to 63 ASCII letters, digits and
/// hyphens, the first a letter or digit.
pub(crate) fn is_valid_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_alphanumeric() && bytes.len() <= 63 => {
            bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// The outputs of `aws.partition` for one AWS partition, plus what is needed
/// to match a region against it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// Partition id, e.g. `aws-cn`.
    pub name: &'static str,
    /// e.g. `amazonaws.com`.
    pub dns_suffix: &'static str,
    /// e.g. `api.aws`.
    pub dual_stack_dns_suffix: &'static str,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    /// The region global services of the partition are signed for.
    pub implicit_global_region: &'static str,
    /// `regionRegex` is `^({prefixes})\-\w+\-\d+$`; these are the alternatives.
    region_prefixes: &'static [&'static str],
    /// Regions listed explicitly that the regex does not match.
    extra_regions: &'static [&'static str],
}

impl Partition {
    fn suffix(&self, dual_stack: bool) -> &'static str {
        if dual_stack {
            self.dual_stack_dns_suffix
        } else {
            self.dns_suffix
        }
    }

    /// Whether `region` matches `^({prefixes})\-\w+\-\d+$`.
    fn matches(&self, region: &str) -> bool {
        self.region_prefixes.iter().any(|prefix| {
            let rest = match region.strip_prefix(prefix).and_then(|r| r.strip_prefix("-")) {
                Some(rest) => rest,
                None => return false,
            };
            match crate::text::split_once(rest, b'-') {
                Some((word, digits)) => {
                    !word.is_empty()
                        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        && !digits.is_empty()
                        && digits.bytes().all(|b| b.is_ascii_digit())
                }
                None => false,
            }
        })
    }
}

const fn p(
    name: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    implicit_global_region: &'static str,
    region_prefixes: &'static [&'static str],
    extra_regions: &'static [&'static str],
) -> Partition {
    Partition {
        name,
        dns_suffix,
        dual_stack_dns_suffix,
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region,
        region_prefixes,
        extra_regions,
    }
}

/// The AWS partitions. Their region patterns are disjoint, so the order only
/// matters in that `aws` comes first: it is the fallback for unknown regions.
static PARTITIONS: [Partition; 8] = [
    p(
        "aws",
        "amazonaws.com",
        "api.aws",
        "us-east-1",
        &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        &["aws-global"],
    ),
    p("aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-northwest-1", &["cn"], &["aws-cn-global"]),
    p("aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1", &["us-gov"], &["aws-us-gov-global"]),
    p("aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1", &["eusc-de"], &[]),
    p("aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1", &["us-iso"], &["aws-iso-global"]),
    p("aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1", &["us-isob"], &["aws-iso-b-global"]),
    p("aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1", &["eu-isoe"], &["aws-iso-e-global"]),
    p("aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1", &["us-isof"], &["aws-iso-f-global"]),
];

/// `aws.partition(region)`: a partition that lists the region explicitly,
/// else the first whose `regionRegex` matches, else `aws`.
pub fn partition(region: &str) -> &'static Partition {
    let by_name = PARTITIONS.iter().find(|p| p.extra_regions.contains(&region));
    match by_name.or_else(|| PARTITIONS.iter().find(|p| p.matches(region))) {
        Some(found) => found,
        None => &PARTITIONS[0],
    }
}
