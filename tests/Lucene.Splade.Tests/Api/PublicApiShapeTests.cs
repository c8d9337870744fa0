using System.Reflection;
using System.Runtime.CompilerServices;
using Lucene.Splade.Encoders;

namespace Lucene.Splade.Tests.Api;

/// <summary>Rules the public API keeps: immutable options, no ONNX Runtime types, records that compare by value.</summary>
[TestFixture]
public sealed class PublicApiShapeTests
{
    private static readonly Type[] PublicTypes = typeof(SpladeEncoder).Assembly.GetExportedTypes();

    [Test]
    public void Public_properties_of_options_and_configs_can_only_be_set_at_creation()
    {
        var settable = PublicTypes
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Config", StringComparison.Ordinal))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
            .Select(x => $"{x.Type.Name}.{x.Property.Name}")
            .ToList();

        Assert.That(settable, Is.Empty, "options and configs are immutable once created (use init)");
        Assert.That(PublicTypes.Count(t => t.Name.EndsWith("Options", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(4), "the rule must see the options types");
    }

    [Test]
    public void No_public_signature_exposes_OnnxRuntime_except_the_session_options_hook()
    {
        var exposed = new List<string>();
        foreach (var type in PublicTypes)
        {
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var types = member switch
                {
                    MethodBase m => m.GetParameters().Select(p => p.ParameterType).Append(m is MethodInfo mi ? mi.ReturnType : typeof(void)),
                    PropertyInfo p => [p.PropertyType],
                    FieldInfo f => [f.FieldType],
                    EventInfo e => [e.EventHandlerType!],
                    _ => [],
                };
                if (types.Any(IsOnnxRuntime) && !(type == typeof(SpladeEncoderOptions) && member.Name.Contains(nameof(SpladeEncoderOptions.ConfigureSession), StringComparison.Ordinal)))
                {
                    exposed.Add($"{type.Name}.{member.Name}");
                }
            }
        }

        Assert.That(exposed, Is.Empty);
    }

    [Test]
    public void Records_hold_no_arrays_or_collections_that_would_compare_by_reference()
    {
        var broken = PublicTypes
            .Where(t => t.GetMethod("<Clone>$") is not null)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.PropertyType.IsArray || (x.Property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(x.Property.PropertyType)))
            .Select(x => $"{x.Type.Name}.{x.Property.Name}")
            .ToList();

        Assert.That(broken, Is.Empty);
    }

    [Test]
    public void Encoder_options_fail_where_a_bad_value_is_written()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SpladeEncoderOptions { BatchSize = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("BatchSize"));
            Assert.That(() => new SpladeEncoderOptions { MaxLength = 1 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MaxLength"));
            Assert.That(() => new SpladeEncoderOptions { MaxLogitsBytes = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SpladeEncoderOptions { IntraOpThreads = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(new SpladeEncoderOptions().BatchSize, Is.EqualTo(16));
        });
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static bool IsOnnxRuntime(Type type) =>
        type.Namespace?.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) == true
        || (type.IsGenericType && type.GetGenericArguments().Any(IsOnnxRuntime))
        || (type.HasElementType && IsOnnxRuntime(type.GetElementType()!));
}
