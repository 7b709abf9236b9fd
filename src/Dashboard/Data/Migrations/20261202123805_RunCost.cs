using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneOff.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "CostDollars",
                table: "Runs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CostDollars",
                table: "Runs");
        }
    }
}
