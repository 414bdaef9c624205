using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdvisoryFlagsAndInterventions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "backfill_reason",
                table: "check_ins",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "confirmed_at",
                table: "check_ins",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "student_submitted_at",
                table: "check_ins",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "early_warning_flags",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    student_id = table.Column<int>(type: "integer", nullable: false),
                    rule = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    episode = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    facts = table.Column<List<string>>(type: "text[]", nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_by_user_id = table.Column<string>(type: "text", nullable: true),
                    resolution_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_early_warning_flags", x => x.id);
                    table.ForeignKey(
                        name: "fk_early_warning_flags_students_student_id",
                        column: x => x.student_id,
                        principalTable: "students",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_early_warning_flags_users_resolved_by_user_id",
                        column: x => x.resolved_by_user_id,
                        principalTable: "users",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "interventions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    student_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    by_whom = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    duration_minutes = table.Column<int>(type: "integer", nullable: false),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    outcome = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    follow_up_on = table.Column<DateOnly>(type: "date", nullable: true),
                    recorded_by_user_id = table.Column<string>(type: "text", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_interventions", x => x.id);
                    table.ForeignKey(
                        name: "fk_interventions_students_student_id",
                        column: x => x.student_id,
                        principalTable: "students",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_interventions_users_recorded_by_user_id",
                        column: x => x.recorded_by_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_early_warning_flags_open",
                table: "early_warning_flags",
                column: "student_id",
                filter: "resolved_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_early_warning_flags_resolved_by_user_id",
                table: "early_warning_flags",
                column: "resolved_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_early_warning_flags_student_id_rule_episode",
                table: "early_warning_flags",
                columns: new[] { "student_id", "rule", "episode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_interventions_follow_up_on",
                table: "interventions",
                column: "follow_up_on",
                filter: "follow_up_on IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_interventions_recorded_by_user_id",
                table: "interventions",
                column: "recorded_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_interventions_student_id_day",
                table: "interventions",
                columns: new[] { "student_id", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "early_warning_flags");

            migrationBuilder.DropTable(
                name: "interventions");

            migrationBuilder.DropColumn(
                name: "backfill_reason",
                table: "check_ins");

            migrationBuilder.DropColumn(
                name: "confirmed_at",
                table: "check_ins");

            migrationBuilder.DropColumn(
                name: "student_submitted_at",
                table: "check_ins");
        }
    }
}
