using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StudentGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "english_learner",
                table: "students",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "has_iep",
                table: "students",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "race_ethnicity",
                table: "students",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sex",
                table: "students",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "english_learner",
                table: "students");

            migrationBuilder.DropColumn(
                name: "has_iep",
                table: "students");

            migrationBuilder.DropColumn(
                name: "race_ethnicity",
                table: "students");

            migrationBuilder.DropColumn(
                name: "sex",
                table: "students");
        }
    }
}
