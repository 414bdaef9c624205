using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SchoolDashboardBandsAndActivity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "section_week_activity",
                columns: table => new
                {
                    section_id = table.Column<int>(type: "integer", nullable: false),
                    week = table.Column<DateOnly>(type: "date", nullable: false),
                    evidence = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_section_week_activity", x => new { x.section_id, x.week });
                    table.ForeignKey(
                        name: "fk_section_week_activity_sections_section_id",
                        column: x => x.section_id,
                        principalTable: "sections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "student_mastery_bands",
                columns: table => new
                {
                    student_id = table.Column<int>(type: "integer", nullable: false),
                    area_id = table.Column<int>(type: "integer", nullable: false),
                    assessed = table.Column<int>(type: "integer", nullable: false),
                    mastered = table.Column<int>(type: "integer", nullable: false),
                    band = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_student_mastery_bands", x => new { x.student_id, x.area_id });
                    table.ForeignKey(
                        name: "fk_student_mastery_bands_students_student_id",
                        column: x => x.student_id,
                        principalTable: "students",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "section_week_activity");

            migrationBuilder.DropTable(
                name: "student_mastery_bands");
        }
    }
}
