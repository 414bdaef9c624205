using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PersonalizedLearning.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlanHistoryCommentsAndTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "plan_comments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    plan_id = table.Column<int>(type: "integer", nullable: false),
                    goal_id = table.Column<int>(type: "integer", nullable: true),
                    author_user_id = table.Column<string>(type: "text", nullable: false),
                    author_role = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_comments", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_comments_learning_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "learning_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_plan_comments_plan_goals_goal_id",
                        column: x => x.goal_id,
                        principalTable: "plan_goals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_plan_comments_users_author_user_id",
                        column: x => x.author_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_revisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    plan_id = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changes = table.Column<string>(type: "jsonb", nullable: false),
                    snapshot = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_revisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_revisions_learning_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "learning_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_plan_revisions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_sign_offs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    plan_id = table.Column<int>(type: "integer", nullable: false),
                    action = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_sign_offs", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_sign_offs_learning_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "learning_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_plan_sign_offs_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_templates",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    school_id = table.Column<int>(type: "integer", nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    lowest_grade = table.Column<int>(type: "integer", nullable: false),
                    highest_grade = table.Column<int>(type: "integer", nullable: false),
                    aspirations = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    goals = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_templates", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_templates_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_plan_templates_schools_school_id",
                        column: x => x.school_id,
                        principalTable: "schools",
                        principalColumn: "id");
                });

            migrationBuilder.CreateIndex(
                name: "ix_plan_comments_author_user_id",
                table: "plan_comments",
                column: "author_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_comments_goal_id",
                table: "plan_comments",
                column: "goal_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_comments_plan_id_at",
                table: "plan_comments",
                columns: new[] { "plan_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_plan_revisions_plan_id_at",
                table: "plan_revisions",
                columns: new[] { "plan_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_plan_revisions_user_id",
                table: "plan_revisions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_sign_offs_plan_id_at",
                table: "plan_sign_offs",
                columns: new[] { "plan_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_plan_sign_offs_user_id",
                table: "plan_sign_offs",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_templates_district_id",
                table: "plan_templates",
                column: "district_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_templates_school_id",
                table: "plan_templates",
                column: "school_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plan_comments");

            migrationBuilder.DropTable(
                name: "plan_revisions");

            migrationBuilder.DropTable(
                name: "plan_sign_offs");

            migrationBuilder.DropTable(
                name: "plan_templates");
        }
    }
}
