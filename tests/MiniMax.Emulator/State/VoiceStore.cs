using System.Collections.Concurrent;
using System.Globalization;
using MiniMax.Emulator.Contract;

namespace MiniMax.Emulator.State;

/// <summary>The system voices and the voices cloned during this run; each maps onto one of flite's voices.</summary>
public sealed class VoiceStore(TimeProvider time)
{
    private const string ClonedFliteVoice = "rms";

    private static readonly (SystemVoice Voice, string Flite)[] Builtin =
    [
        (new SystemVoice("male-qn-qingse", "青涩青年音色", ["young male, gentle"]), "kal16"),
        (new SystemVoice("male-qn-jingying", "精英青年音色", ["young male, confident"]), "awb"),
        (new SystemVoice("female-shaonv", "少女音色", ["young female, bright"]), "slt"),
        (new SystemVoice("female-yujie", "御姐音色", ["mature female, calm"]), "slt"),
        (new SystemVoice("presenter_male", "男性主持人", ["male presenter"]), "rms"),
        (new SystemVoice("presenter_female", "女性主持人", ["female presenter"]), "slt"),
        (new SystemVoice("audiobook_male_1", "男性有声书1", ["male narrator"]), "kal16"),
        (new SystemVoice("English_expressive_narrator", "Expressive Narrator", ["English narrator"]), "awb"),
    ];

    private readonly ConcurrentDictionary<string, (long Order, ClonedVoice Voice)> _cloned = new(StringComparer.Ordinal);
    private long _clones;

    public IReadOnlyList<SystemVoice> SystemVoices { get; } = [.. Builtin.Select(entry => entry.Voice)];

    /// <summary>Cloned voices, oldest first.</summary>
    public IReadOnlyList<ClonedVoice> ClonedVoices => [.. _cloned.Values.OrderBy(entry => entry.Order).Select(entry => entry.Voice)];

    /// <summary>The flite voice that speaks for <paramref name="voiceId"/>, or null when no such voice exists.</summary>
    public string? FliteVoiceFor(string voiceId)
    {
        foreach (var (voice, flite) in Builtin)
        {
            if (voice.VoiceId == voiceId)
            {
                return flite;
            }
        }

        return _cloned.ContainsKey(voiceId) ? ClonedFliteVoice : null;
    }

    /// <summary>Adds a cloned voice; false when the id is taken (by a system voice or an earlier clone).</summary>
    public bool TryClone(string voiceId)
    {
        if (Builtin.Any(entry => entry.Voice.VoiceId == voiceId))
        {
            return false;
        }

        var created = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return _cloned.TryAdd(voiceId, (Interlocked.Increment(ref _clones), new ClonedVoice(voiceId, [], created)));
    }
}
