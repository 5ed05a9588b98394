package dev.plumbline.nn.generate;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

import java.util.List;

/**
 * Prompts of different lengths, left-padded to a common length T so every row's last token sits
 * at column T − 1 (where generation continues), with the attention mask and position ids that
 * make padding invisible: position = (real tokens so far) − 1, pads at 0.
 *
 * <pre>{@code
 * PaddedBatch p = PaddedBatch.leftPad(List.of(new int[] {5, 6, 7}, new int[] {9}), padId, Device.cpu());
 * // ids  [[5, 6, 7], [pad, pad, 9]], mask [[1, 1, 1], [0, 0, 1]], positions [[0, 1, 2], [0, 0, 0]]
 * }</pre>
 *
 * @param ids           (B, T) I32
 * @param attentionMask (B, T) F32, 1 = real token
 * @param positionIds   (B, T) I32
 * @param lengths       real tokens per row
 */
public record PaddedBatch(Tensor ids, Tensor attentionMask, Tensor positionIds, int[] lengths) {

    /** Left-pads {@code prompts} (each non-empty) with {@code padId}. */
    public static PaddedBatch leftPad(List<int[]> prompts, int padId, Device device) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("PaddedBatch: no prompts");
        }
        int b = prompts.size(), t = 0;
        for (int r = 0; r < b; r++) {
            if (prompts.get(r) == null || prompts.get(r).length == 0) {
                throw new IllegalArgumentException("PaddedBatch: prompt " + r + " is empty");
            }
            t = Math.max(t, prompts.get(r).length);
        }
        int[] ids = new int[b * t], pos = new int[b * t], lengths = new int[b];
        float[] mask = new float[b * t];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = t - p.length;
            lengths[r] = p.length;
            for (int j = 0; j < t; j++) {
                boolean real = j >= pad;
                ids[r * t + j] = real ? p[j - pad] : padId;
                mask[r * t + j] = real ? 1f : 0f;
                pos[r * t + j] = real ? j - pad : 0;
            }
        }
        return new PaddedBatch(Tensor.fromArray(device, ids, b, t), Tensor.fromArray(device, mask, b, t),
                Tensor.fromArray(device, pos, b, t), lengths);
    }

    /** Rows B. */
    public int batch() {
        return ids.size(0);
    }

    /** Padded length T. */
    public int length() {
        return ids.size(1);
    }
}
