package io.subnetcast.core.fec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The encoder against the code's definition, and encoder and decoder together. */
class ParityCodeTest {
    private static final byte TAIL = 0x5A;

    @Test
    void parityIsTheCauchyCombinationOfTheSources() {
        SplittableRandom random = new SplittableRandom(3);
        for (int[] geometry : new int[][] {{1 << 20, 1440}, {1, 1440}, {1000, 7}, {129 * 3 + 1, 3}}) {
            ParityGroups layout = ParityGroups.of(geometry[0], geometry[1]);
            byte[] original = randomBytes(random, layout.blockLength());
            ByteBuffer block = ByteBuffer.wrap(original);
            ParityEncoder encoder = new ParityEncoder(layout.chunkSize());
            int last = layout.groups() - 1;
            for (int id : new int[] {0, layout.groups() - 1, layout.parityId(last, layout.maxParity(last) - 1),
                    layout.parityId(0, layout.maxParity(0) - 1)}) {
                ByteBuffer out = ByteBuffer.allocate(layout.chunkSize());
                encoder.encode(block, layout, id, out);
                assertEquals(layout.chunkSize(), out.position());
                assertArrayEquals(referenceParity(original, layout, id), out.array(), layout + ", id " + id);
            }
        }
    }

    @Test
    void roundTripOverManySeeds() {
        for (long seed = 0; seed < 400; seed++) {
            roundTrip(seed);
        }
    }

    @Test
    void aGroupLostEntirelyComesBackFromItsLastParityChunks() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        byte[] original = randomBytes(new SplittableRandom(1), layout.blockLength());
        int group = 4;
        int k = layout.sources(group);
        BitSet missing = new BitSet();
        for (int t = 0; t < k; t++) {
            missing.set(layout.chunk(group, t));
        }
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = layout.parityId(group, layout.maxParity(group) - 1 - i); // the largest index first
        }
        assertDecodes(layout, original, missing, ids, encode(layout, original, ids), missing);
    }

    @Test
    void parityDoesNotDependOnWhatWasLost() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        byte[] original = randomBytes(new SplittableRandom(2), layout.blockLength());
        int[] ids = new int[3 * layout.groups()]; // ids 0..17: three parity chunks per group
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        ByteBuffer[] parity = encode(layout, original, ids);
        BitSet burst = new BitSet();
        burst.set(100, 118); // three consecutive chunks in every group
        assertDecodes(layout, original, burst, ids, parity, burst);
        BitSet scattered = new BitSet();
        for (int c : new int[] {0, 6, 700, 5, 11, 17, 728, 3}) {
            scattered.set(c); // group 0: 0, 6, 700; group 5: 5, 11, 17; group 2: 728; group 3: 3
        }
        assertDecodes(layout, original, scattered, ids, parity, scattered);
    }

    @Test
    void aGroupWithTooFewParityChunksIsLeftAlone() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        byte[] original = randomBytes(new SplittableRandom(4), layout.blockLength());
        BitSet missing = new BitSet();
        missing.set(1); // group 1
        missing.set(7); // group 1
        missing.set(8); // group 2
        int[] ids = {layout.parityId(1, 0), layout.parityId(2, 5), layout.parityId(1, 0)}; // a repeat is no second
        BitSet expected = new BitSet();
        expected.set(8);
        assertDecodes(layout, original, missing, ids, encode(layout, original, ids), expected);
    }

    @Test
    void aShortLastChunkIsWrittenOnlyToItsLength() {
        ParityGroups layout = ParityGroups.of(10 * 100 + 37, 100);
        byte[] original = randomBytes(new SplittableRandom(6), layout.blockLength());
        BitSet missing = new BitSet();
        missing.set(10);
        missing.set(3);
        int[] ids = {7, 200};
        assertDecodes(layout, original, missing, ids, encode(layout, original, ids), missing);
        ParityGroups oneByte = ParityGroups.of(1, 1440);
        BitSet all = new BitSet();
        all.set(0);
        int[] largest = {254};
        assertDecodes(oneByte, new byte[] {42}, all, largest, encode(oneByte, new byte[] {42}, largest), all);
    }

    @Test
    void repeatsAndInvalidIdsAreIgnored() {
        ParityGroups layout = ParityGroups.of(5000, 100); // 50 chunks, one group
        byte[] original = randomBytes(new SplittableRandom(8), layout.blockLength());
        BitSet missing = new BitSet();
        missing.set(10);
        missing.set(20);
        int[] genuine = {3, 9};
        ByteBuffer[] good = encode(layout, original, genuine);
        ByteBuffer garbage = ByteBuffer.wrap(randomBytes(new SplittableRandom(9), 100));
        int[] ids = {-1, 3, 206, 3, 1 << 30, 9};
        ByteBuffer[] parity = {garbage, good[0], garbage, garbage, garbage, good[1]};
        assertDecodes(layout, original, missing, ids, parity, missing);
    }

    @Test
    void batchEqualsOneAtATime() {
        SplittableRandom random = new SplittableRandom(10);
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        byte[] original = randomBytes(random, layout.blockLength());
        ByteBuffer direct = ByteBuffer.allocateDirect(layout.blockLength()).put(original);
        direct.position(17);
        int[] ids = new int[45 * layout.groups() + 1]; // more than one pass of lanes per group
        for (int i = 0; i < ids.length; i++) {
            ids[ids.length - 1 - i] = i * 3 % (134 * 6);
        }
        ByteBuffer[] outs = new ByteBuffer[ids.length];
        for (int i = 0; i < outs.length; i++) {
            outs[i] = ByteBuffer.allocate(1440 + 5).position(5);
        }
        ParityEncoder encoder = new ParityEncoder(1440);
        encoder.encode(direct, layout, ids, ids.length, outs);
        assertEquals(17, direct.position());
        ByteBuffer single = ByteBuffer.allocate(1440);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(1445, outs[i].position());
            single.clear();
            encoder.encode(direct, layout, ids[i], single);
            assertArrayEquals(single.array(), Arrays.copyOfRange(outs[i].array(), 5, 1445), "id " + ids[i]);
        }
    }

    @Test
    void encoderRefusesWhatIsNotItsToEncode() {
        ParityGroups layout = ParityGroups.of(1000, 10); // 100 chunks, one group, 156 parity
        ByteBuffer block = ByteBuffer.allocate(1000);
        ParityEncoder encoder = new ParityEncoder(10);
        ByteBuffer out = ByteBuffer.allocate(10);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(block, layout, 156, out));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(block, layout, -1, out));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(block, ParityGroups.of(1000, 11), 0, out));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(block.limit(999), layout, 0, out));
        block.clear();
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(block, layout, 0, ByteBuffer.allocate(9)));
        ByteBuffer first = ByteBuffer.allocate(10);
        assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(block, layout, new int[] {0, 156}, 2, new ByteBuffer[] {first, out}));
        assertEquals(0, first.position(), "nothing is written when one id is bad");
        assertThrows(IllegalArgumentException.class, () -> new ParityEncoder(0));
    }

    @Test
    void decoderRefusesParityOfTheWrongLength() {
        ParityGroups layout = ParityGroups.of(1000, 10);
        ParityDecoder decoder = new ParityDecoder(10);
        BitSet missing = new BitSet();
        missing.set(3);
        ByteBuffer block = ByteBuffer.allocate(1000);
        assertThrows(IllegalArgumentException.class, () -> decoder.recover(block, layout, missing, new int[] {0},
                new ByteBuffer[] {ByteBuffer.allocate(11)}, 1));
        assertThrows(IllegalArgumentException.class, () -> decoder.recover(block, layout, missing, new int[] {0},
                new ByteBuffer[] {ByteBuffer.allocate(9)}, 1));
        BitSet beyond = new BitSet();
        beyond.set(100);
        assertThrows(IllegalArgumentException.class, () -> decoder.recover(block, layout, beyond, new int[] {0},
                new ByteBuffer[] {ByteBuffer.allocate(10)}, 1));
    }

    /**
     * One random case: a block of random length and chunk size, a random number of losses in each
     * group (none, a few, any, all), and a random number of that group's parity chunks, fewer or
     * more than the losses, with repeats and hostile ids among them.
     */
    private static void roundTrip(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int chunkSize = switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(8);
            case 1 -> 1440;
            default -> 1 + random.nextInt(1500);
        };
        int chunks = 1 + random.nextInt(Math.max(1, Math.min(600, 150_000 / chunkSize)));
        int blockLength = (chunks - 1) * chunkSize + 1 + random.nextInt(chunkSize);
        ParityGroups layout = ParityGroups.of(blockLength, chunkSize);
        byte[] original = randomBytes(random, blockLength);
        BitSet missing = new BitSet();
        BitSet expected = new BitSet();
        List<Integer> held = new ArrayList<>();
        for (int g = 0; g < layout.groups(); g++) {
            int k = layout.sources(g);
            int lost = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> Math.min(k, 1 + random.nextInt(3));
                case 2 -> k;
                default -> random.nextInt(k + 1);
            };
            int[] positions = sample(random, k, lost);
            for (int t : positions) {
                missing.set(layout.chunk(g, t));
            }
            int parity = random.nextInt(4) == 0 ? Math.max(0, lost - 1 - random.nextInt(2)) : lost + random.nextInt(3);
            parity = Math.min(parity, layout.maxParity(g));
            int[] indexes = sample(random, layout.maxParity(g), parity);
            if (parity > 0 && random.nextBoolean()) {
                indexes[0] = layout.maxParity(g) - 1; // the largest index, unless sampled already
                indexes = Arrays.stream(indexes).distinct().toArray();
            }
            for (int j : indexes) {
                held.add(layout.parityId(g, j));
            }
            if (lost > 0 && indexes.length >= lost) {
                for (int t : positions) {
                    expected.set(layout.chunk(g, t));
                }
            }
        }
        Collections.shuffle(held, new Random(seed));
        int genuine = held.size();
        int[] ids = new int[genuine + 4];
        for (int i = 0; i < genuine; i++) {
            ids[i] = held.get(i);
        }
        ByteBuffer[] parity = new ByteBuffer[ids.length];
        System.arraycopy(encode(layout, original, Arrays.copyOf(ids, genuine)), 0, parity, 0, genuine);
        int lastGroup = layout.groups() - 1;
        int[] hostile = {-7, layout.parityId(lastGroup, layout.maxParity(lastGroup) - 1) + layout.groups(),
                Integer.MAX_VALUE};
        for (int i = 0; i < 3; i++) {
            ids[genuine + i] = hostile[i];
            parity[genuine + i] = ByteBuffer.wrap(randomBytes(random, chunkSize));
        }
        if (genuine > 0) {
            ids[genuine + 3] = ids[random.nextInt(genuine)]; // a repeat, with the same bytes
            parity[genuine + 3] = parity[Arrays.stream(ids).boxed().toList().indexOf(ids[genuine + 3])];
        } else {
            ids[genuine + 3] = -1;
            parity[genuine + 3] = ByteBuffer.allocate(chunkSize);
        }
        if (seed % 5 == 0 && genuine > 0) { // now and then, check the encoder against the definition
            int id = ids[0];
            assertArrayEquals(referenceParity(original, layout, id), copy(parity[0]), "seed " + seed);
        }
        assertDecodes(layout, original, missing, ids, parity, expected, random.nextBoolean(), "seed " + seed
                + ", " + layout);
    }

    private static void assertDecodes(ParityGroups layout, byte[] original, BitSet missing, int[] ids,
            ByteBuffer[] parity, BitSet expected) {
        assertDecodes(layout, original, missing, ids, parity, expected, false, layout.toString());
        assertDecodes(layout, original, missing, ids, parity, expected, true, layout.toString());
    }

    /**
     * Damages the missing chunks, recovers, and checks that exactly the expected chunks came back
     * byte for byte while every other byte of the buffer, past the block's end too, is unchanged.
     */
    private static void assertDecodes(ParityGroups layout, byte[] original, BitSet missing, int[] ids,
            ByteBuffer[] parity, BitSet expected, boolean direct, String what) {
        SplittableRandom random = new SplittableRandom(what.hashCode());
        int length = layout.blockLength();
        byte[] damaged = Arrays.copyOf(original, length + 7);
        Arrays.fill(damaged, length, damaged.length, TAIL);
        for (int c = missing.nextSetBit(0); c >= 0; c = missing.nextSetBit(c + 1)) {
            for (int i = 0; i < layout.chunkLength(c); i++) {
                damaged[layout.chunkOffset(c) + i] = (byte) random.nextInt(256);
            }
        }
        ByteBuffer block = direct ? ByteBuffer.allocateDirect(damaged.length) : ByteBuffer.allocate(damaged.length);
        block.put(damaged).position(random.nextInt(length + 1));
        int position = block.position();
        byte[][] parityBefore = new byte[parity.length][];
        int[] positions = new int[parity.length];
        for (int i = 0; i < parity.length; i++) {
            parityBefore[i] = copy(parity[i]);
            positions[i] = parity[i].position();
        }

        BitSet recovered = new ParityDecoder(layout.chunkSize()).recover(block, layout, missing, ids, parity,
                parity.length);

        assertEquals(expected, recovered, what);
        byte[] wanted = damaged.clone();
        for (int c = expected.nextSetBit(0); c >= 0; c = expected.nextSetBit(c + 1)) {
            System.arraycopy(original, layout.chunkOffset(c), wanted, layout.chunkOffset(c), layout.chunkLength(c));
        }
        byte[] actual = new byte[damaged.length];
        block.get(0, actual);
        assertArrayEquals(wanted, actual, what);
        assertEquals(position, block.position(), what);
        assertEquals(damaged.length, block.limit(), what);
        for (int i = 0; i < parity.length; i++) {
            assertEquals(positions[i], parity[i].position(), what);
            assertArrayEquals(parityBefore[i], copy(parity[i]), what);
        }
    }

    /** Encodes with the batch form into buffers at a non-zero position, as a caller's might be. */
    private static ByteBuffer[] encode(ParityGroups layout, byte[] original, int[] ids) {
        ByteBuffer[] outs = new ByteBuffer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            outs[i] = ByteBuffer.allocate(layout.chunkSize() + 3).position(3);
        }
        new ParityEncoder(layout.chunkSize()).encode(ByteBuffer.wrap(original), layout, ids, ids.length, outs);
        for (ByteBuffer out : outs) {
            out.flip().position(3);
        }
        return outs;
    }

    /** Parity chunk {@code id} by the definition, with the slow field arithmetic. */
    private static byte[] referenceParity(byte[] block, ParityGroups layout, int id) {
        int group = layout.groupOfParity(id);
        int j = layout.indexOfParity(id);
        int k = layout.sources(group);
        byte[] parity = new byte[layout.chunkSize()];
        for (int t = 0; t < k; t++) {
            int x = k + j;
            int y = t;
            int coefficient = 1;
            while (Gf256Test.slowMul(coefficient, x ^ y) != 1) {
                coefficient++;
            }
            int chunk = layout.chunk(group, t);
            for (int b = 0; b < layout.chunkLength(chunk); b++) {
                parity[b] ^= (byte) Gf256Test.slowMul(coefficient, block[layout.chunkOffset(chunk) + b] & 0xFF);
            }
        }
        return parity;
    }

    private static int[] sample(SplittableRandom random, int bound, int count) {
        int[] all = new int[bound];
        for (int i = 0; i < bound; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int pick = i + random.nextInt(bound - i);
            int t = all[i];
            all[i] = all[pick];
            all[pick] = t;
        }
        return Arrays.copyOf(all, count);
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }
}
