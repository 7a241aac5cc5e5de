namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Tests that measure the whole process's memory run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresProcessMemory
{
    public const string Name = "Measures process memory";
}
