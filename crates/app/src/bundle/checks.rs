//! What each kind of record must satisfy beyond its types: the same rules as the forms
//! (through the domain's validation where there is one), valid codes, dates in order, and
//! references to records that exist in the bundle or the county.

use super::PathError;
use jianguan_domain::enterprise::EnterpriseInput;
use jianguan_domain::project::{ProjectInput, Target};
use jianguan_domain::rules::Profile;
use jianguan_domain::rules::facts::{
    CountItem, CountResult, InspectionKind, Invoice, MarketCategory, Milestone, OrderState,
    Repayment,
};
use jianguan_domain::{DateRange, FieldErrors, Money};
use jianguan_store::entity::*;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashSet};

/// Ids a record may refer to: the county's stored records and the bundle's own.
#[derive(Default)]
pub struct Refs {
    pub programmes: HashSet<String>,
    pub enterprises: HashSet<String>,
    pub projects: HashSet<String>,
    pub training_classes: HashSet<String>,
    pub disbursements: HashSet<String>,
    pub subsidy_claims: HashSet<String>,
    pub assets: HashSet<String>,
    pub inventory_counts: HashSet<String>,
    pub townships: Vec<String>,
}

pub struct Checker<'a> {
    pub refs: &'a Refs,
    pub profile: &'a Profile,
    pub errors: &'a mut Vec<PathError>,
}

impl Checker<'_> {
    fn err(&mut self, path: &str, field: &str, msg: impl Into<String>) {
        self.errors
            .push(PathError::new(&format!("{path}.{field}"), msg));
    }

    fn fields(&mut self, path: &str, f: FieldErrors) {
        for (k, v) in f.iter() {
            self.err(path, k, v);
        }
    }

    fn refers(
        &mut self,
        path: &str,
        field: &str,
        id: &str,
        set: fn(&Refs) -> &HashSet<String>,
        what: &str,
    ) {
        if !set(self.refs).contains(id) {
            self.err(
                path,
                field,
                format!("引用的{what}“{id}”在本县和本文件中都不存在"),
            );
        }
    }

    fn json<T: DeserializeOwned>(
        &mut self,
        path: &str,
        field: &str,
        text: &str,
        what: &str,
    ) -> Option<T> {
        match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.err(path, field, format!("{what}格式不对：{e}"));
                None
            }
        }
    }

    fn one_of(&mut self, path: &str, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.err(
                path,
                field,
                format!("“{value}”不是允许的值，可用：{}", allowed.join("、")),
            );
        }
    }

    fn not_negative(&mut self, path: &str, field: &str, v: i64) {
        if v < 0 {
            self.err(path, field, "不能为负数");
        } else if v > jianguan_domain::money::MAX_FEN {
            self.err(path, field, "数值过大，请核对");
        }
    }

    fn order(&mut self, path: &str, field: &str, start: chrono::NaiveDate, end: chrono::NaiveDate) {
        if let Err(e) = DateRange::new(start, end) {
            self.err(path, field, e.to_string());
        }
    }

    pub fn programme(&mut self, path: &str, m: &programme::Model) {
        if m.name.trim().is_empty() {
            self.err(path, "name", "请填写名称");
        }
        self.order(path, "period_end", m.period_start, m.period_end);
        self.not_negative(path, "budget_fen", m.budget_fen);
    }

    pub fn enterprise(&mut self, path: &str, m: &enterprise::Model) {
        let input = EnterpriseInput {
            name: m.name.clone(),
            uscc: m.uscc.clone(),
            legal_representative: m.legal_representative.clone(),
            contact_person: m.contact_person.clone(),
            contact_phone: m.contact_phone.clone(),
            address: m.address.clone(),
            handles_food: m.handles_food,
        };
        if let Err(f) = input.validate() {
            self.fields(path, f);
        }
    }

    pub fn project(&mut self, path: &str, m: &project::Model) {
        let targets: Vec<Target> = self
            .json(path, "targets", &m.targets, "建设要求")
            .unwrap_or_default();
        let input = ProjectInput {
            name: m.name.clone(),
            programme_id: m.programme_id.clone(),
            enterprise_id: m.enterprise_id.clone(),
            system: m.system.clone(),
            township: m.township.clone(),
            village: m.village.clone(),
            latitude: m.latitude,
            longitude: m.longitude,
            central_funds_fen: Some(m.central_funds_fen),
            construction_start: m.construction_start.to_string(),
            construction_end: m.construction_end.to_string(),
            operation_start: m.operation_start.map(|d| d.to_string()),
            service_period_end: m.service_period_end.map(|d| d.to_string()),
            status: Some(m.status.clone()),
            targets,
        };
        if let Err(f) = input.validate(FieldErrors::new()) {
            // The domain names money "central_funds"; the bundle field is central_funds_fen.
            for (k, v) in f.iter() {
                let field = if k == "central_funds" {
                    "central_funds_fen"
                } else {
                    k
                };
                self.err(path, field, v);
            }
        }
        self.refers(
            path,
            "programme_id",
            &m.programme_id,
            |r| &r.programmes,
            "综合示范项目",
        );
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if !self.refs.townships.contains(&m.township) {
            self.err(path, "township", format!("“{}”不是本县的乡镇", m.township));
        }
    }

    pub fn progress_plan(&mut self, path: &str, m: &progress_plan::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.one_of(
            path,
            "status",
            &m.status,
            &["proposed", "approved", "rejected"],
        );
        if m.version < 1 {
            self.err(path, "version", "版本号从 1 开始");
        }
        if let Some(ms) = self.json::<Vec<Milestone>>(path, "milestones", &m.milestones, "进度节点")
        {
            if ms.is_empty() {
                self.err(path, "milestones", "至少要有一个节点");
            }
            let mut sorted = ms.clone();
            sorted.sort_by_key(|x| x.date);
            for (i, x) in sorted.iter().enumerate() {
                if !(0.0..=100.0).contains(&x.percent) {
                    self.err(
                        path,
                        "milestones",
                        format!("节点“{}”的累计百分比应在 0 到 100 之间", x.date),
                    );
                }
                if i > 0 && x.percent < sorted[i - 1].percent {
                    self.err(
                        path,
                        "milestones",
                        format!("节点“{}”的累计百分比比前一节点小", x.date),
                    );
                }
            }
        }
    }

    pub fn progress_report(&mut self, path: &str, m: &progress_report::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        if !(0.0..=100.0).contains(&m.cumulative_percent) {
            self.err(
                path,
                "cumulative_percent",
                "累计完成百分比应在 0 到 100 之间",
            );
        }
    }

    pub fn inspection(&mut self, path: &str, m: &inspection::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        if let Some(kinds) = self.json::<Vec<InspectionKind>>(path, "kinds", &m.kinds, "检查类型")
            && kinds.is_empty()
        {
            self.err(path, "kinds", "至少选择一种检查类型");
        }
        self.one_of(
            path,
            "status",
            &m.status,
            &["planned", "recorded", "finalised"],
        );
        if let Some(methods) = self.json::<Vec<String>>(path, "methods", &m.methods, "检查方式")
        {
            for x in methods {
                self.one_of(
                    path,
                    "methods",
                    &x,
                    &["on_site", "hearing", "materials", "other"],
                );
            }
        }
        self.json::<BTreeMap<String, serde_json::Value>>(
            path,
            "standards",
            &m.standards,
            "检查标准结果",
        );
        self.json::<Vec<String>>(path, "inspectors", &m.inspectors, "检查人员");
        self.not_negative(path, "photo_count", m.photo_count);
        if let Some(c) = &m.training_class_id {
            self.refers(
                path,
                "training_class_id",
                c,
                |r| &r.training_classes,
                "培训班",
            );
        }
        if let Some(b) = &m.disbursement_id {
            self.refers(path, "disbursement_id", b, |r| &r.disbursements, "资金拨付");
        }
    }

    pub fn training_class(&mut self, path: &str, m: &training_class::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.order(path, "last_day", m.first_day, m.last_day);
        self.not_negative(path, "planned_trainees", m.planned_trainees);
        self.not_negative(path, "actual_trainees", m.actual_trainees);
    }

    pub fn disbursement(&mut self, path: &str, m: &disbursement::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        if m.amount_fen <= 0 {
            self.err(path, "amount_fen", "拨付金额应大于 0");
        }
    }

    pub fn subsidy_claim(&mut self, path: &str, m: &subsidy_claim::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.not_negative(path, "amount_fen", m.amount_fen);
        if let Some(invoices) = self.json::<Vec<Invoice>>(path, "invoices", &m.invoices, "发票") {
            for (i, inv) in invoices.iter().enumerate() {
                // A fully digital invoice (全电发票) has a number and no code.
                if inv.number.trim().is_empty() {
                    self.err(path, &format!("invoices[{i}]"), "发票号码要填写");
                }
                if Money::from_fen(inv.amount_fen).is_err() {
                    self.err(
                        path,
                        &format!("invoices[{i}].amount_fen"),
                        "发票金额不能为负数",
                    );
                }
                if inv.tax_fen < 0 {
                    self.err(
                        path,
                        &format!("invoices[{i}].tax_fen"),
                        "发票税额不能为负数",
                    );
                }
            }
        }
        match (m.approved_fen, m.approved_on) {
            (None, None) => {}
            (Some(fen), Some(_)) if (0..=m.amount_fen).contains(&fen) => {}
            (Some(_), Some(_)) => self.err(path, "approved_fen", "核定金额应在 0 到申请金额之间"),
            _ => self.err(path, "approved_on", "核定金额和审核通过日期要一起填写"),
        }
    }

    pub fn duplicate_decision(&mut self, path: &str, m: &duplicate_decision::Model) {
        self.refers(
            path,
            "claim_a",
            &m.claim_a,
            |r| &r.subsidy_claims,
            "补助资金申请",
        );
        self.refers(
            path,
            "claim_b",
            &m.claim_b,
            |r| &r.subsidy_claims,
            "补助资金申请",
        );
        // A pair is kept in id order (a claim with itself: a claim above its invoices).
        if m.claim_a > m.claim_b {
            self.err(path, "claim_b", "两份申请应按编号排列：claim_a 在前");
        }
        if m.fingerprint.trim().is_empty() {
            self.err(path, "fingerprint", "缺少比对时两份申请的摘要");
        }
        let mut e = FieldErrors::new();
        e.required_text("reason", "核实情况", &m.reason, 2_000);
        e.required_text("decided_by", "核实人", &m.decided_by, 100);
        self.fields(path, e);
    }

    pub fn data_report(&mut self, path: &str, m: &data_report::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if let Some(figures) =
            self.json::<BTreeMap<String, i64>>(path, "figures", &m.figures, "数据（指标: 整数）")
        {
            for k in figures.keys() {
                if !self.profile.metrics.contains_key(k) {
                    let known: Vec<&str> =
                        self.profile.metrics.keys().map(String::as_str).collect();
                    self.err(
                        path,
                        &format!("figures.{k}"),
                        format!("未知指标，可用：{}", known.join("、")),
                    );
                }
            }
        }
    }

    pub fn licence(&mut self, path: &str, m: &licence::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if !self.profile.licences.names.contains_key(&m.kind) {
            let known: Vec<&str> = self
                .profile
                .licences
                .names
                .keys()
                .map(String::as_str)
                .collect();
            self.err(
                path,
                "kind",
                format!("未知证照类型，可用：{}", known.join("、")),
            );
        }
        if let Some(to) = m.valid_to {
            self.order(path, "valid_to", m.valid_from, to);
        }
    }

    pub fn rectification_order(&mut self, path: &str, m: &rectification_order::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        self.order(path, "deadline", m.issued_on, m.deadline);
        if OrderState::parse(&m.state).is_none() {
            let codes = OrderState::ALL.map(OrderState::code);
            self.one_of(path, "state", &m.state, &codes);
        }
    }

    pub fn fund_recovery(&mut self, path: &str, m: &fund_recovery::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if m.amount_fen <= 0 {
            self.err(path, "amount_fen", "追回金额应大于 0");
        }
        self.order(path, "deadline", m.decided_on, m.deadline);
        self.json::<Vec<Repayment>>(path, "repayments", &m.repayments, "退回记录");
    }

    pub fn incident(&mut self, path: &str, m: &incident::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
    }

    pub fn performance_evaluation(&mut self, path: &str, m: &performance_evaluation::Model) {
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.one_of(path, "outcome", &m.outcome, &["accept", "defer", "rectify"]);
    }

    pub fn market_finding(&mut self, path: &str, m: &market_finding::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if let Some(p) = &m.project_id {
            self.refers(path, "project_id", p, |r| &r.projects, "项目");
        }
        if serde_json::from_value::<MarketCategory>(serde_json::Value::String(m.category.clone()))
            .is_err()
        {
            self.one_of(
                path,
                "category",
                &m.category,
                &["counterfeit", "quality_safety", "expired", "consumer_fraud"],
            );
        }
    }

    pub fn asset(&mut self, path: &str, m: &asset::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        self.refers(path, "project_id", &m.project_id, |r| &r.projects, "项目");
        self.one_of(path, "asset_kind", &m.asset_kind, &["fixed", "intangible"]);
        self.not_negative(path, "value_fen", m.value_fen);
        if let Some(st) = &m.status {
            let codes: Vec<&str> = jianguan_domain::asset::AssetStatus::ALL
                .iter()
                .map(|x| x.code())
                .collect();
            self.one_of(path, "status", st, &codes);
        }
        if m.quantity.is_some_and(|q| q < 1) {
            self.err(path, "quantity", "数量至少为 1");
        }
    }

    pub fn inventory_count(&mut self, path: &str, m: &inventory_count::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if let Some(items) = self.json::<Vec<CountItem>>(path, "items", &m.items, "盘点明细") {
            for (i, it) in items.iter().enumerate() {
                match &it.asset_id {
                    Some(id) => self.refers(
                        path,
                        &format!("items[{i}].asset_id"),
                        id,
                        |r| &r.assets,
                        "资产",
                    ),
                    // Only a label nobody's asset carries comes without an asset.
                    None if it.result != CountResult::Unknown => self.err(
                        path,
                        &format!("items[{i}].asset_id"),
                        "请填写资产（只有未知标签可以不填）",
                    ),
                    None => {}
                }
            }
        }
        if let Some(st) = &m.state {
            self.one_of(path, "state", st, &["open", "closed"]);
        }
        if let Some(p) = &m.project_id {
            self.refers(path, "project_id", p, |r| &r.projects, "项目");
        }
        if let Some(t) = &m.township
            && !self.refs.townships.contains(t)
        {
            self.err(path, "township", "该乡镇不在本县的乡镇名单中");
        }
        if let Some(text) = &m.expected
            && let Some(ids) = self.json::<Vec<String>>(path, "expected", text, "盘点范围")
        {
            if ids.len() > jianguan_domain::inventory::MAX_COUNT_ASSETS {
                self.err(
                    path,
                    "expected",
                    "一次盘点的资产过多，请按项目或地点分次盘点",
                );
            }
            for (i, id) in ids.iter().enumerate() {
                self.refers(path, &format!("expected[{i}]"), id, |r| &r.assets, "资产");
            }
        }
    }

    pub fn inventory_scan(&mut self, path: &str, m: &inventory_scan::Model) {
        self.refers(
            path,
            "count_id",
            &m.count_id,
            |r| &r.inventory_counts,
            "盘点",
        );
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        if let Some(a) = &m.asset_id {
            self.refers(path, "asset_id", a, |r| &r.assets, "资产");
        }
        let codes: Vec<&str> = CountResult::ALL.iter().map(|r| r.code()).collect();
        self.one_of(path, "result", &m.result, &codes);
        if m.code.trim().is_empty() {
            self.err(path, "code", "请填写扫描到的标签编号");
        } else if m.code.chars().count() > jianguan_domain::inventory::MAX_CODE_CHARS {
            self.err(path, "code", "标签编号过长");
        }
    }

    pub fn asset_transfer(&mut self, path: &str, m: &asset_transfer::Model) {
        self.refers(
            path,
            "enterprise_id",
            &m.enterprise_id,
            |r| &r.enterprises,
            "企业",
        );
        self.refers(path, "asset_id", &m.asset_id, |r| &r.assets, "资产");
        if m.to_custodian.trim().is_empty() {
            self.err(path, "to_custodian", "请填写接收人");
        }
    }

    pub fn tipoff(&mut self, path: &str, m: &tipoff::Model) {
        self.one_of(
            path,
            "channel",
            &m.channel,
            &["hotline", "web", "letter", "visit", "partner"],
        );
        if m.receipt_code.trim().is_empty() {
            self.err(path, "receipt_code", "请填写回执码");
        }
        if let Some(r) = m.replied_on {
            self.order(path, "replied_on", m.received_on, r);
        }
    }
}
