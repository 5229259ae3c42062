//! The facts the rules read: every record of regulation.md that a rule looks at. Each
//! row carries its county (for bulk loading per county) and can be voided, never deleted.
//! Generated from one table spec so the migration and the entities agree.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_facts"
    }
}

fn record(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(timestamp_with_time_zone_null("voided_at"))
        .col(text_null("void_reason"))
}

async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table)
        .col("county_code");
    for c in cols {
        i.col(*c);
    }
    m.create_index(i.take()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table("progress_plans")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(big_integer("version"))
            .col(date("effective_from"))
            .col(text("milestones"))
            .col(string("status"))
            .col(text_null("note"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("progress_plans", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "progress_plans", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("progress_reports")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(date("month"))
            .col(date("report_date"))
            .col(date("submitted_on"))
            .col(double("cumulative_percent"))
            .col(text_null("narrative"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("progress_reports", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "progress_reports", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("inspections")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(text("kinds"))
            .col(date("date"))
            .col(string("status"))
            .col(string_null("training_class_id"))
            .col(string_null("disbursement_id"))
            .col(text("methods"))
            .col(text("standards"))
            .col(text("inspectors"))
            .col(text_null("minutes"))
            .col(big_integer("photo_count"))
            .col(boolean("announced"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("inspections", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "inspections", &["project_id", "date"]).await?;
        let mut t = Table::create();
        t.table("training_classes")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(string("name"))
            .col(date("first_day"))
            .col(date("last_day"))
            .col(string_null("place"))
            .col(big_integer("planned_trainees"))
            .col(big_integer("actual_trainees"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("training_classes", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "training_classes", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("disbursements")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(date("date"))
            .col(big_integer("amount_fen"))
            .col(string("batch"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("disbursements", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "disbursements", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("subsidy_claims")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(date("submitted_on"))
            .col(big_integer("amount_fen"))
            .col(text("invoices"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("subsidy_claims", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "subsidy_claims", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("data_reports")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("enterprise_id"))
            .col(date("month"))
            .col(date("submitted_on"))
            .col(text("figures"))
            .col(text_null("explanation"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("data_reports", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "data_reports", &["enterprise_id", "month"]).await?;
        let mut t = Table::create();
        t.table("licences")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("enterprise_id"))
            .col(string("kind"))
            .col(string("number"))
            .col(date("valid_from"))
            .col(date_null("valid_to"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("licences", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "licences", &["enterprise_id"]).await?;
        let mut t = Table::create();
        t.table("rectification_orders")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(string("enterprise_id"))
            .col(string("title"))
            .col(text("requirements"))
            .col(date("issued_on"))
            .col(date("deadline"))
            .col(string("state"))
            .col(date_null("accepted_on"))
            .col(boolean("progress_notice"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("rectification_orders", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "rectification_orders", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("fund_recoveries")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(string("enterprise_id"))
            .col(date("decided_on"))
            .col(big_integer("amount_fen"))
            .col(date("deadline"))
            .col(text("repayments"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("fund_recoveries", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "fund_recoveries", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("incidents")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(date("date"))
            .col(string("summary"))
            .col(date_null("accountability_decided_on"))
            .col(text_null("decision"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("incidents", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "incidents", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("performance_evaluations")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("project_id"))
            .col(date("date"))
            .col(string("outcome"))
            .col(text("details"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("performance_evaluations", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "performance_evaluations", &["project_id"]).await?;
        let mut t = Table::create();
        t.table("market_findings")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("enterprise_id"))
            .col(string_null("project_id"))
            .col(string("category"))
            .col(date("raised_on"))
            .col(date_null("closed_on"))
            .col(text("description"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("market_findings", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "market_findings", &["enterprise_id"]).await?;
        let mut t = Table::create();
        t.table("assets")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("enterprise_id"))
            .col(string("project_id"))
            .col(string("name"))
            .col(string("asset_kind"))
            .col(string_null("tag"))
            .col(string_null("category"))
            .col(big_integer("value_fen"))
            .col(date("purchase_date"))
            .col(string_null("location"))
            .col(string_null("custodian"))
            .col(boolean("central_funds"))
            .col(date_null("disposed_on"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("assets", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "assets", &["enterprise_id"]).await?;
        let mut t = Table::create();
        t.table("inventory_counts")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("enterprise_id"))
            .col(date("date"))
            .col(text("items"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("inventory_counts", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "inventory_counts", &["enterprise_id"]).await?;
        let mut t = Table::create();
        t.table("tipoffs")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("channel"))
            .col(text("content"))
            .col(string("summary"))
            .col(string_null("subject"))
            .col(string_null("contact"))
            .col(string("receipt_code"))
            .col(date("received_on"))
            .col(date_null("replied_on"))
            .col(text_null("reply"));
        record(&mut t).foreign_key(
            ForeignKey::create()
                .from("tipoffs", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        index(m, "tipoffs", &["receipt_code"]).await?;
        Ok(())
    }
}
