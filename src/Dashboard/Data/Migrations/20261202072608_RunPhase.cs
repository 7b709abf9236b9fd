using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneOff.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunPhase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Phase",
                table: "Runs",
                type: "TEXT",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Phase",
                table: "Runs");
        }
    }
}
