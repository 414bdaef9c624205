using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DistrictViewSchoolStats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "school_stats",
                columns: table => new
                {
                    school_id = table.Column<int>(type: "integer", nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    students = table.Column<int>(type: "integer", nullable: false),
                    proficient = table.Column<int>(type: "integer", nullable: false),
                    developing = table.Column<int>(type: "integer", nullable: false),
                    beginning = table.Column<int>(type: "integer", nullable: false),
                    no_level_yet = table.Column<int>(type: "integer", nullable: false),
                    rollups_assessed = table.Column<int>(type: "integer", nullable: false),
                    rollups_at_mastery = table.Column<int>(type: "integer", nullable: false),
                    students_at_risk = table.Column<int>(type: "integer", nullable: false),
                    open_flags = table.Column<int>(type: "integer", nullable: false),
                    without_advisor = table.Column<int>(type: "integer", nullable: false),
                    check_ins_done = table.Column<int>(type: "integer", nullable: false),
                    check_ins_expected = table.Column<int>(type: "integer", nullable: false),
                    active_plans = table.Column<int>(type: "integer", nullable: false),
                    overdue_goals = table.Column<int>(type: "integer", nullable: false),
                    refreshed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_stats", x => x.school_id);
                    table.ForeignKey(
                        name: "fk_school_stats_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_school_stats_schools_school_id",
                        column: x => x.school_id,
                        principalTable: "schools",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_school_stats_district_id",
                table: "school_stats",
                column: "district_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "school_stats");
        }
    }
}
