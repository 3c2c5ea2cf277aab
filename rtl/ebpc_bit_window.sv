// MSB-first bit window over an input word stream: the consumer sees the next WIN bits
// (win_o, the oldest bit at the top; fill_o of them valid, the rest 0) and takes take_i <=
// fill_o of them per cycle. The window pulls a handshake (NWORDS W-bit words, or only the
// first when in_pair_i is low) whenever enable_i is high, it has room for one and it has not
// yet seen in_last_i; it pulls nothing after the stream's last word until clear_i, which
// empties it for the next transmission. in_ready_o depends on registers and enable_i only.
module ebpc_bit_window #(
  parameter int W = 8,
  parameter int NWORDS = 1,
  parameter int WIN = 24,
  parameter int TAKE_MAX = 8,
  localparam int FW = ebpc_pkg::clog2(WIN + 1),
  localparam int TW = ebpc_pkg::clog2(TAKE_MAX + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                enable_i,
  input  logic                clear_i,
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [NWORDS*W-1:0] in_data_i,
  input  logic                in_pair_i,
  input  logic                in_last_i,
  output logic [WIN-1:0]      win_o,
  output logic [FW-1:0]       fill_o,
  input  logic [TW-1:0]       take_i
);
  localparam int IW = NWORDS * W;
  logic [WIN-1:0] win_q, win_a;
  logic [FW-1:0] fill_q, fill_a;
  logic last_seen_q, in_fire;
  logic [FW-1:0] in_nbits;

  assign win_o = win_q;
  assign fill_o = fill_q;
  assign in_ready_o = enable_i && !last_seen_q && fill_q <= FW'(WIN - IW);
  assign in_fire = in_valid_i && in_ready_o;
  assign in_nbits = (NWORDS == 1 || in_pair_i) ? FW'(IW) : FW'(W);
  assign win_a = win_q << take_i;
  assign fill_a = fill_q - FW'(take_i);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      win_q <= '0;
      fill_q <= '0;
      last_seen_q <= 1'b0;
    end else if (in_fire) begin
      // the bits of a one-word handshake below the word are ignored (masked)
      win_q <= win_a | ({(NWORDS == 1 || in_pair_i) ? in_data_i : {in_data_i[IW-1 -: W], {(IW - W){1'b0}}},
                         {(WIN - IW){1'b0}}} >> fill_a);
      fill_q <= fill_a + in_nbits;
      last_seen_q <= in_last_i;
    end else begin
      win_q <= win_a;
      fill_q <= fill_a;
    end
  end
endmodule
