using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class MasterySettingsAndCaseImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "method_version",
                table: "competency_frameworks",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "settings_changed_at",
                table: "competency_frameworks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "settings_changed_by_user_id",
                table: "competency_frameworks",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "competency_frameworks",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "mastery_method_versions",
                columns: table => new
                {
                    framework_id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    method = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    parameter = table.Column<int>(type: "integer", nullable: false),
                    mastery_points = table.Column<decimal>(type: "numeric(6,3)", precision: 6, scale: 3, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changed_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mastery_method_versions", x => new { x.framework_id, x.version });
                    table.ForeignKey(
                        name: "fk_mastery_method_versions_competency_frameworks_framework_id",
                        column: x => x.framework_id,
                        principalTable: "competency_frameworks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "report_card_bands",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    from_score = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false),
                    to_score = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false),
                    grade = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_card_bands", x => x.id);
                    table.ForeignKey(
                        name: "fk_report_card_bands_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_report_card_bands_district_id_from_score",
                table: "report_card_bands",
                columns: new[] { "district_id", "from_score" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mastery_method_versions");

            migrationBuilder.DropTable(
                name: "report_card_bands");

            migrationBuilder.DropColumn(
                name: "method_version",
                table: "competency_frameworks");

            migrationBuilder.DropColumn(
                name: "settings_changed_at",
                table: "competency_frameworks");

            migrationBuilder.DropColumn(
                name: "settings_changed_by_user_id",
                table: "competency_frameworks");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "competency_frameworks");
        }
    }
}
