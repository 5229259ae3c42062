//! Forms as typed: everything a String, so that a form with an error comes back exactly
//! as the person filled it in.

use jianguan_domain::enterprise::EnterpriseInput;
use jianguan_domain::project::{ProjectInput, Target};
use jianguan_domain::{FieldErrors, Money};
use jianguan_store::entity::{enterprise, programme, project};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnterpriseForm {
    pub name: String,
    pub uscc: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    #[serde(deserialize_with = "checkbox")]
    pub handles_food: bool,
}

fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    Ok(matches!(s.as_str(), "true" | "on" | "1"))
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl EnterpriseForm {
    pub fn to_input(&self) -> EnterpriseInput {
        EnterpriseInput {
            name: self.name.clone(),
            uscc: self.uscc.clone(),
            legal_representative: opt(&self.legal_representative),
            contact_person: opt(&self.contact_person),
            contact_phone: opt(&self.contact_phone),
            address: opt(&self.address),
            handles_food: self.handles_food,
        }
    }

    pub fn from_model(e: &enterprise::Model) -> Self {
        Self {
            name: e.name.clone(),
            uscc: e.uscc.clone(),
            legal_representative: e.legal_representative.clone().unwrap_or_default(),
            contact_person: e.contact_person.clone().unwrap_or_default(),
            contact_phone: e.contact_phone.clone().unwrap_or_default(),
            address: e.address.clone().unwrap_or_default(),
            handles_food: e.handles_food,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    pub name: String,
    pub programme_id: String,
    pub enterprise_id: String,
    pub system: String,
    pub township: String,
    pub village: String,
    pub latitude: String,
    pub longitude: String,
    pub central_funds: String,
    pub construction_start: String,
    pub construction_end: String,
    pub operation_start: String,
    pub service_period_end: String,
    pub status: String,
    /// One target a line: "村级服务站 12 个".
    pub targets: String,
}

fn parse_coordinate(e: &mut FieldErrors, field: &str, s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            e.add(field, "请填写数字，例如 37.55");
            None
        }
    }
}

/// "村级服务站 12 个" or "村级服务站，12，个" → a target; the quantity is the last number.
fn parse_target(e: &mut FieldErrors, n: usize, line: &str) -> Option<Target> {
    let parts: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '，' | '、'))
        .filter(|p| !p.is_empty())
        .collect();
    let qty_pos = parts
        .iter()
        .rposition(|p| p.replace(',', "").parse::<i64>().is_ok());
    match qty_pos {
        Some(i) if i > 0 && i + 1 < parts.len() => Some(Target {
            name: parts[..i].join(" "),
            quantity: parts[i].replace(',', "").parse().unwrap_or(0),
            unit: parts[i + 1..].join(""),
        }),
        _ => {
            e.add(
                "targets",
                format!("第 {n} 行“{line}”请按“内容 数量 单位”填写，例如“村级服务站 12 个”"),
            );
            None
        }
    }
}

impl ProjectForm {
    /// The domain input, and the messages for what could not even be parsed.
    pub fn to_input(&self) -> (ProjectInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let central_funds_fen = if self.central_funds.trim().is_empty() {
            None
        } else {
            match Money::parse_yuan(&self.central_funds) {
                Ok(m) => Some(m.fen()),
                Err(err) => {
                    e.add("central_funds", err.to_string());
                    Some(0)
                }
            }
        };
        let targets = self
            .targets
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
            .filter_map(|(i, l)| parse_target(&mut e, i + 1, l))
            .collect();
        let input = ProjectInput {
            name: self.name.clone(),
            programme_id: self.programme_id.clone(),
            enterprise_id: self.enterprise_id.clone(),
            system: self.system.clone(),
            township: self.township.clone(),
            village: opt(&self.village),
            latitude: parse_coordinate(&mut e, "latitude", &self.latitude),
            longitude: parse_coordinate(&mut e, "longitude", &self.longitude),
            central_funds_fen,
            construction_start: self.construction_start.clone(),
            construction_end: self.construction_end.clone(),
            operation_start: opt(&self.operation_start),
            service_period_end: opt(&self.service_period_end),
            status: opt(&self.status),
            targets,
        };
        (input, e)
    }

    pub fn from_model(p: &project::Model) -> Result<Self, jianguan_app::AppError> {
        let targets: Vec<Target> = p.targets_parsed()?;
        Ok(Self {
            name: p.name.clone(),
            programme_id: p.programme_id.clone(),
            enterprise_id: p.enterprise_id.clone(),
            system: p.system.clone(),
            township: p.township.clone(),
            village: p.village.clone().unwrap_or_default(),
            latitude: p.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: p.longitude.map(|v| v.to_string()).unwrap_or_default(),
            central_funds: Money::from_fen(p.central_funds_fen)
                .map(Money::to_plain_yuan)
                .unwrap_or_default(),
            construction_start: p.construction_start.to_string(),
            construction_end: p.construction_end.to_string(),
            operation_start: p.operation_start.map(|d| d.to_string()).unwrap_or_default(),
            service_period_end: p
                .service_period_end
                .map(|d| d.to_string())
                .unwrap_or_default(),
            status: p.status.clone(),
            targets: targets
                .iter()
                .map(|t| format!("{} {} {}", t.name, t.quantity, t.unit))
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgrammeForm {
    pub name: String,
    pub plan_document: String,
    pub period_start: String,
    pub period_end: String,
    pub budget: String,
    pub responsible_person: String,
}

impl ProgrammeForm {
    /// The app's input, and the message for a budget that could not even be read.
    pub fn to_input(&self) -> (jianguan_app::records::ProgrammeInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let budget_fen = if self.budget.trim().is_empty() {
            None
        } else {
            match Money::parse_yuan(&self.budget) {
                Ok(m) => Some(m.fen()),
                Err(err) => {
                    e.add("budget", err.to_string());
                    Some(0)
                }
            }
        };
        let input = jianguan_app::records::ProgrammeInput {
            county_code: None,
            name: self.name.clone(),
            plan_document: opt(&self.plan_document),
            period_start: self.period_start.clone(),
            period_end: self.period_end.clone(),
            budget_fen,
            responsible_person: self.responsible_person.clone(),
        };
        (input, e)
    }

    pub fn from_model(p: &programme::Model) -> Self {
        Self {
            name: p.name.clone(),
            plan_document: p.plan_document.clone().unwrap_or_default(),
            period_start: p.period_start.to_string(),
            period_end: p.period_end.to_string(),
            budget: Money::from_fen(p.budget_fen)
                .map(Money::to_plain_yuan)
                .unwrap_or_default(),
            responsible_person: p.responsible_person.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_as_typed() {
        let f = ProjectForm {
            targets: "村级服务站 12 个\n培训人次，2,000，人次\n\n乱写".into(),
            central_funds: "1,200.5".into(),
            ..Default::default()
        };
        let (input, e) = f.to_input();
        assert_eq!(input.targets.len(), 2);
        assert_eq!(
            input.targets[0],
            Target {
                name: "村级服务站".into(),
                quantity: 12,
                unit: "个".into()
            }
        );
        assert_eq!(input.targets[1].quantity, 2000);
        assert!(e.get("targets").unwrap().contains("第 3 行"));
        assert_eq!(input.central_funds_fen, Some(120_050));
    }

    #[test]
    fn bad_money_and_coordinates_are_named() {
        let f = ProjectForm {
            central_funds: "-5".into(),
            latitude: "北纬".into(),
            ..Default::default()
        };
        let (_, e) = f.to_input();
        assert_eq!(e.get("central_funds"), Some("金额不能为负数"));
        assert!(e.get("latitude").is_some());
    }
}
