//! What the audit trail's action codes mean to a person reading a record's history.

/// Every action the application writes to the trail, with its Chinese name.
pub const ACTIONS: [(&str, &str); 59] = [
    ("create", "新建"),
    ("update", "修改"),
    ("void", "作废"),
    ("import_create", "导入创建"),
    ("import_update", "导入更新"),
    ("plan", "安排检查"),
    ("record", "记录检查"),
    ("finalise", "定稿"),
    ("correct", "更正"),
    ("upload", "上传附件"),
    ("issue", "开具整改通知"),
    ("submit", "提交"),
    ("accept", "验收通过"),
    ("reject", "退回重新整改"),
    ("review", "审核"),
    ("supersede", "被新版本替代"),
    ("roster", "上传培训名单"),
    ("propose", "提议处理"),
    ("decide", "决定"),
    ("decline", "不同意"),
    ("withdraw", "撤销决定"),
    ("disqualify", "取消承办资格"),
    ("repayment", "登记退回资金"),
    ("evaluate", "绩效评价"),
    ("refresh", "重新生成待办"),
    ("remind", "提醒承办企业"),
    ("login", "登录"),
    ("logout", "退出登录"),
    ("change_password", "修改密码"),
    ("reset_password", "重置密码"),
    ("disable", "停用"),
    ("enable", "启用"),
    ("unlock", "解除登录限制"),
    ("revoke", "撤销访问令牌"),
    ("seal_existing", "封存已有记录"),
    ("status", "状态变更"),
    ("close", "处理完毕"),
    ("confirm", "复核确认"),
    ("approve", "审核通过"),
    ("bind_tag", "绑定资产标签"),
    ("import", "从 Excel 导入"),
    ("post", "资金台账入账"),
    ("start", "开始盘点"),
    ("scan", "扫描标签"),
    ("resolve", "处理盘点差异"),
    ("reopen", "差异重新待处理"),
    ("request_write_off", "申请核销"),
    ("approve_write_off", "批准核销"),
    ("decline_write_off", "不同意核销"),
    ("transfer", "保管变动"),
    ("hand_over", "资产移交"),
    ("renew", "续用决定"),
    ("spoil", "文书作废"),
    ("assign", "转办"),
    ("handle", "登记办理情况"),
    ("reply", "答复待审核"),
    ("send_back", "退回修改"),
    ("follow_up", "回访"),
    ("mark_duplicate", "标记为重复件"),
];

/// The Chinese name of an action on a record of `entity` (a table or kind name): where one
/// code means different things, the record says which (a rectification order's "submit" is
/// handing in rectification material).
pub fn action_label_on(entity: &str, code: &str) -> &'static str {
    match (entity, code) {
        ("rectification_order" | "rectification_orders" | "order_submission", "submit") => {
            "提交整改材料"
        }
        ("submission_review" | "progress_report" | "data_report", "submit") => "报送",
        ("asset_tag" | "asset_tags", "issue") => "生成资产标签",
        ("inventory_count" | "inventory_counts", "close") => "结束盘点",
        ("document" | "documents", "issue") => "印发文书",
        ("inventory_count" | "inventory_counts", "propose") => "提议追回资金",
        ("tipoff" | "tipoffs", "create") => "收到举报",
        ("tipoff" | "tipoffs", "accept") => "受理",
        ("tipoff" | "tipoffs", "decline") => "不予受理",
        ("tipoff" | "tipoffs", "approve") => "同意答复，办结",
        _ => action_label(code),
    }
}

/// The Chinese name of an action code; one the trail may hold from elsewhere (an older
/// version) is "其他操作", never the code itself.
pub fn action_label(code: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("其他操作", |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_in_chinese_and_codes_are_unique() {
        for (code, label) in ACTIONS {
            assert_eq!(action_label(code), label);
            assert!(!label.is_ascii());
        }
        let mut codes: Vec<&str> = ACTIONS.iter().map(|(c, _)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len());
        assert_eq!(action_label("import_create"), "导入创建");
        assert_eq!(action_label("frobnicate"), "其他操作");
        assert_eq!(
            action_label_on("rectification_order", "submit"),
            "提交整改材料"
        );
        assert_eq!(action_label_on("progress_report", "submit"), "报送");
        assert_eq!(action_label_on("project", "create"), "新建");
        assert_eq!(action_label_on("asset_tag", "issue"), "生成资产标签");
        assert_eq!(action_label_on("disbursement", "confirm"), "复核确认");
        assert_eq!(action_label_on("inventory_count", "close"), "结束盘点");
        assert_eq!(action_label_on("market_finding", "close"), "处理完毕");
    }
}
