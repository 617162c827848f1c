//! A node's cpu / memory / pods meters: requests of its non-terminated pods against its
//! allocatable, the figures `kubectl describe node` prints under "Allocated resources".

use crate::present::UsageMeter;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct UsageProps {
    pub node: String,
    pub meters: Vec<UsageMeter>,
}

/// The bar's colour family: calm, then amber near full, red when full.
fn level(meter: &UsageMeter) -> &'static str {
    match meter.percent {
        p if p >= 100 => "full",
        p if p >= 80 => "high",
        _ => "normal",
    }
}

fn what(resource: &str) -> &'static str {
    match resource {
        "pods" => "pods running",
        "cpu" => "cpu requested",
        _ => "memory requested",
    }
}

#[component]
pub fn UsageMeters(props: &UsageProps) -> Html {
    html! {
        <ul class="usage" data-testid="node-usage"
            aria-label={format!("Allocated resources on {} (kubectl describe node)", props.node)}>
            { for props.meters.iter().map(|m| {
                let text = m.text();
                let value_text = m.value_text();
                html! {
                    <li class={classes!("meter", format!("meter-{}", level(m)))}
                        data-resource={m.resource} data-text={text.clone()} data-percent={m.percent.to_string()} title={
                            if m.resource == "pods" {
                                format!("{text}: non-terminated pods of the node's pods allocatable")
                            } else {
                                format!("{text}: requests of non-terminated pods of allocatable, as kubectl describe node adds them up")
                            }
                        }>
                        <span class="meter-label" aria-hidden="true">{m.resource}</span>
                        <span class="meter-bar" role="meter" aria-label={what(m.resource)}
                            aria-valuemin="0" aria-valuemax="100" aria-valuenow={m.percent.min(100).to_string()}
                            aria-valuetext={value_text}>
                            <span class="meter-fill" style={format!("transform: scaleX({:.4})", m.fill)} />
                        </span>
                        <span class="meter-text" data-testid="usage-text" aria-hidden="true">
                            {format!("{}/{}", m.used, m.capacity)}
                            <span class="meter-pct">{format!(" ({}%)", m.percent)}</span>
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}
