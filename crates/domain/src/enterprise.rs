//! 承办企业: what an enterprise record must satisfy before it is stored.

use crate::uscc::Uscc;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// An enterprise as typed on a form or sent to the API, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnterpriseInput {
    pub name: String,
    pub uscc: String,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    /// Handles food, so also needs a food licence (四（一）).
    pub handles_food: bool,
}

/// A valid enterprise record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseFields {
    pub name: String,
    pub uscc: Uscc,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub handles_food: bool,
}

/// Phone numbers as counties write them: 0358-3520080, 13800000000, +86 138 0000 0000.
pub fn validate_phone(
    errors: &mut FieldErrors,
    field: &str,
    phone: Option<&str>,
) -> Option<String> {
    let p = phone.map(str::trim).filter(|p| !p.is_empty())?;
    if let Err(m) = crate::text::phone(p) {
        errors.add(field, m);
    }
    Some(p.to_string())
}

impl EnterpriseInput {
    pub fn validate(&self) -> Result<EnterpriseFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.required_text("name", "企业名称", &self.name, 100);
        let uscc = match Uscc::parse(&self.uscc) {
            Ok(u) => Some(u),
            Err(err) => {
                e.add("uscc", err.to_string());
                None
            }
        };
        let legal_representative = e.optional_text(
            "legal_representative",
            "法定代表人",
            self.legal_representative.as_deref(),
            50,
        );
        let contact_person = e.optional_text(
            "contact_person",
            "联系人",
            self.contact_person.as_deref(),
            50,
        );
        let contact_phone = validate_phone(&mut e, "contact_phone", self.contact_phone.as_deref());
        let address = e.optional_text("address", "地址", self.address.as_deref(), 200);
        match uscc {
            Some(uscc) if e.is_empty() => Ok(EnterpriseFields {
                name,
                uscc,
                legal_representative,
                contact_person,
                contact_phone,
                address,
                handles_food: self.handles_food,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EnterpriseInput {
        EnterpriseInput {
            name: " 交城县电商服务有限公司 ".into(),
            uscc: "91350100M000100Y43".into(),
            contact_phone: Some("0358-3520080".into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_enterprise_is_trimmed() {
        let f = good().validate().unwrap();
        assert_eq!(f.name, "交城县电商服务有限公司");
        assert_eq!(f.contact_phone.as_deref(), Some("0358-3520080"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut i = good();
        i.name = "".into();
        i.uscc = "91350100M000100Y44".into();
        i.contact_phone = Some("abc".into());
        let e = i.validate().unwrap_err();
        assert_eq!(e.get("name"), Some("请填写企业名称"));
        assert!(e.get("uscc").unwrap().contains("第 18 位"));
        assert!(e.get("contact_phone").is_some());
    }
}
