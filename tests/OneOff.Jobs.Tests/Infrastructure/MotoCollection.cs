using OneOff.Testing;

namespace OneOff.Jobs.Tests.Infrastructure;

/// <summary>Tests that share one moto server run one at a time (each resets it).</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
