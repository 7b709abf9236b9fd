using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneOff.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Runs_BestNHidden",
                table: "Runs",
                column: "BestNHidden");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_CreatedBy_CreatedUtc",
                table: "Runs",
                columns: new[] { "CreatedBy", "CreatedUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_BestNHidden",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_CreatedBy_CreatedUtc",
                table: "Runs");
        }
    }
}
