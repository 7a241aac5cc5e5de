using System.Text.Json.Serialization;

namespace WanAccel.Images.Regions;

/// <summary>Source-generated JSON for <see cref="ImageReport"/>: camelCase, indented; null file-system fields are written as null.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ImageReport))]
internal sealed partial class ImageReportJsonContext : JsonSerializerContext;
