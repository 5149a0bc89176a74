/* fsmodel native engine: what the generated successor code needs from the runtime.
 *
 * The generated file defines the state layout (FSM_WORD, FSM_SHIFT, FSM_WIDTH, FSM_LO,
 * FSM_RANGE), the reduction tables, then includes this header, defines fsm_unpack,
 * fsm_violated and fsm_successors, and finally includes runtime.c. */
#include <stdint.h>
#include <string.h>

#define FSM_MAXT 16

/* A successor waiting to be deduplicated by the owner of its fingerprint. */
typedef struct {
  uint64_t h;
  uint32_t parent;        /* index of its parent in the current level */
  uint32_t action;
  uint64_t s[FSM_NW];
} fsm_cand;

typedef struct {
  fsm_cand *v;
  size_t n, cap;
} fsm_cbuf;

/* A state one owner found new in this round: where its candidate is, what it violates. */
typedef struct {
  const fsm_cand *c;
  uint32_t bad;
} fsm_new;

typedef struct {
  fsm_new *v;
  size_t n, cap;
} fsm_nbuf;

typedef struct fsm_worker {
  int id;
  struct fsm_run *run;
  uint32_t parent;
  int action;             /* the action being generated (for error reports) */
  fsm_cbuf out[FSM_MAXT]; /* this round's candidates, by owner */
  fsm_nbuf fresh;         /* this round's new states (as owner) */
  int64_t generated;
  uint64_t *recent;       /* fingerprints this thread emitted lately (direct-mapped) */
  /* the first spec error met: a value outside its domain or an index out of range */
  int error, err_action, err_slot, err_value;
  /* capture mode (tests): successors of one state recorded here instead */
  int capture, ncaptured, maxcapture;
  int32_t *cap_states, *cap_actions;
} fsm_worker;

static void fsm_emit(fsm_worker *w, int ai, int32_t *T, uint64_t *t);
static int fsm_canon(int32_t *T);   /* generated after the runtime: representative in place */

/* Keys of k words, compared in order (a record's values, most significant first). */
static inline int fsm_key_gt(const uint64_t *a, const uint64_t *b, int k) {
  for (int i = 0; i < k; i++)
    if (a[i] != b[i]) return a[i] > b[i];
  return 0;
}
static void fsm_spec_error(fsm_worker *w, int kind, int slot, int value);

/* Python's floor division and modulo (the spec language's // and %). */
static inline int32_t fsm_div(int32_t a, int32_t b) {
  int32_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static inline int32_t fsm_mod(int32_t a, int32_t b) {
  int32_t m = a % b;
  return (m != 0 && ((m < 0) != (b < 0))) ? m + b : m;
}

static inline int32_t fsm_idx(fsm_worker *w, int32_t i, int32_t n) {
  if (i < 0 || i >= n) {
    fsm_spec_error(w, 2, -1, i);
    return 0;
  }
  return i;
}
#define FSM_IDX(i, n) fsm_idx(w, (i), (n))

#define FSM_MASK(k) ((FSM_WIDTH[k] == 64) ? ~0ull : ((1ull << FSM_WIDTH[k]) - 1))
#define FSM_SET(k, v)                                                                    \
  do {                                                                                   \
    const int fsm_k = (k);                                                               \
    const int32_t fsm_v = (v);                                                           \
    if ((uint32_t)(fsm_v - FSM_LO[fsm_k]) > FSM_RANGE[fsm_k]) fsm_spec_error(w, 1, fsm_k, fsm_v); \
    T[fsm_k] = fsm_v;                                                                    \
    t[FSM_WORD[fsm_k]] = (t[FSM_WORD[fsm_k]] & ~(FSM_MASK(fsm_k) << FSM_SHIFT[fsm_k])) | \
        (((uint64_t)(uint32_t)(fsm_v - FSM_LO[fsm_k]) & FSM_MASK(fsm_k)) << FSM_SHIFT[fsm_k]); \
  } while (0)
#define FSM_EMIT(ai) fsm_emit(w, (ai), T, t)
