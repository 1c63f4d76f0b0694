// Command go_client is an independent client of the callback platform API, written the way the
// product document writes one: golang.org/x/net/websocket for the stream,
// github.com/vmihailenco/msgpack/v5 for the seed's BinaryFrame struct behind a 4-byte big-endian
// length, JSON acknowledgments. gcbctl's interop tests build it and run it against the sandbox to
// prove that a client built from the product document works with what gcbctl serves.
//
// It gets a token, creates a webhook pointing at a listener of its own on 127.0.0.1, opens the
// Callback WebSocket, books a reservation, waits for the reservation.created event, acknowledges
// it (or not, with -ack-mode none) and then watches past the ack timeout: an acknowledged event
// must not come back, an unacknowledged one must. Exit 0 on success, 1 with a message otherwise.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the queue's zone must resolve even where /usr/share/zoneinfo is absent

	"github.com/google/uuid"
	"github.com/vmihailenco/msgpack/v5"
	"golang.org/x/net/websocket"
)

// BinaryFrame is the seed's struct, encoded by msgpack/v5 with its defaults.
type BinaryFrame struct {
	Type      int32
	Payload   []byte
	Timestamp int64
}

const (
	frameReservationUpdate int32 = 1
	frameAcknowledgment    int32 = 2
	seedScope                    = "callback:read%20callback:write%20webhook:read%20webhook:write"
)

type options struct {
	baseURL      string
	clientID     string
	clientSecret string
	adminToken   string
	ackMode      string // binary, text (the seed as written) or none
	ackForm      string // correlation (callback-api.md §6) or id (the seed's complete example)
	ackTimeout   time.Duration
	printFrame   bool // print one frame's hex (-frame-type, -frame-payload, -frame-timestamp) and exit
	frameType    int
	framePayload string
	frameStamp   int64
}

type TimeSlot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type ChannelPreference struct {
	Primary  string `json:"primary"`
	Fallback string `json:"fallback"`
	AllowSMS bool   `json:"allow_sms"`
}

type ReservationPayload struct {
	CallbackID         string            `json:"callback_id"`
	CallbackNumber     string            `json:"callback_number"`
	TimeSlotMatrix     []TimeSlot        `json:"time_slot_matrix"`
	ChannelPreferences ChannelPreference `json:"channel_preferences"`
	QueueID            string            `json:"queue_id"`
	Reason             string            `json:"reason"`
	ConcurrencyLimit   int               `json:"concurrency_limit"`
}

type WebhookConfig struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Enabled     bool   `json:"enabled"`
}

// event is a decoded type-1 payload.
type event struct {
	CorrelationID string                 `msgpack:"correlation_id"`
	Sequence      int64                  `msgpack:"sequence"`
	Event         string                 `msgpack:"event"`
	ChangedBy     string                 `msgpack:"changed_by"`
	Resource      map[string]interface{} `msgpack:"resource"`
}

type delivery struct {
	webhookID string
	Event     string                 `json:"event"`
	Data      map[string]interface{} `json:"data"`
}

type received struct {
	data []byte
	err  error
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("go_client: ")
	opts := parseOptions()
	if opts.printFrame {
		printFrame(int32(opts.frameType), opts.framePayload, opts.frameStamp)
		return
	}
	summary, err := run(opts)
	if err != nil {
		log.Printf("FAIL: %v", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(summary)
	fmt.Println(string(out))
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.baseURL, "base-url", os.Getenv("GCB_BASE_URL"), "sandbox base URL (http://127.0.0.1:PORT)")
	flag.StringVar(&o.clientID, "client-id", envOr("GCB_CLIENT_ID", "gcbctl-sandbox"), "OAuth client id")
	flag.StringVar(&o.clientSecret, "client-secret", envOr("GCB_CLIENT_SECRET", "sandbox-secret-0000"), "OAuth client secret")
	flag.StringVar(&o.adminToken, "admin-token", os.Getenv("GCB_ADMIN_TOKEN"), "sandbox admin token (reads the ack timeout and connection counters)")
	flag.StringVar(&o.ackMode, "ack-mode", "binary", "binary | text (x/net/websocket's default PayloadType) | none")
	flag.StringVar(&o.ackForm, "ack-form", "correlation", `correlation ({"status":"ack","correlation_id":...}) | id ({"status":"ack","id":...})`)
	flag.DurationVar(&o.ackTimeout, "ack-timeout", 10*time.Second, "server ack timeout when no admin token is given")
	flag.BoolVar(&o.printFrame, "print-frame", false, "print the hex of one seed-style frame and exit")
	flag.IntVar(&o.frameType, "frame-type", 2, "Type of the printed frame")
	flag.StringVar(&o.framePayload, "frame-payload", "", "Payload of the printed frame (<nil> for a nil slice)")
	flag.Int64Var(&o.frameStamp, "frame-timestamp", 0, "Timestamp of the printed frame")
	flag.Parse()
	if o.baseURL == "" && !o.printFrame {
		log.Fatal("give -base-url or GCB_BASE_URL")
	}
	o.baseURL = strings.TrimRight(o.baseURL, "/")
	return o
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func run(o options) (map[string]interface{}, error) {
	token, platformNow, err := fetchToken(o)
	if err != nil {
		return nil, err
	}
	if o.adminToken != "" {
		if o.ackTimeout, err = serverAckTimeout(o); err != nil {
			return nil, err
		}
	}
	hooks, hookURL, err := listenForDeliveries()
	if err != nil {
		return nil, err
	}
	webhookID, err := createWebhook(o, token, WebhookConfig{
		Name:        "Calendar Sync Webhook " + uuid.New().String()[:8],
		URL:         hookURL,
		ContentType: "application/json",
		Enabled:     true,
	})
	if err != nil {
		return nil, err
	}
	conn, err := connectWebSocket(o, token)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if conn.PayloadType != websocket.TextFrame {
		return nil, fmt.Errorf("x/net/websocket's default PayloadType is %d, not TextFrame", conn.PayloadType)
	}
	if o.ackMode == "binary" {
		conn.PayloadType = websocket.BinaryFrame
	}
	messages := readMessages(conn)

	payload := reservation(platformNow)
	created, err := submitReservation(o, token, payload)
	if err != nil {
		return nil, err
	}
	ev, err := awaitCreated(messages, payload.CallbackID, platformNow, 5*time.Second)
	if err != nil {
		return nil, err
	}
	if o.ackMode != "none" {
		if err := sendAcknowledgment(conn, o.ackForm, ev.CorrelationID, created["id"]); err != nil {
			return nil, err
		}
	}
	again, err := watchRedeliveries(messages, ev.CorrelationID, o)
	if err != nil {
		return nil, err
	}
	counters, err := connectionCounters(o)
	if err != nil {
		return nil, err
	}
	if err := awaitDelivery(hooks, webhookID, payload.CallbackID, 5*time.Second); err != nil {
		return nil, err
	}
	return map[string]interface{}{
		"ok": true, "ack_mode": o.ackMode, "ack_form": o.ackForm, "payload_type": int(conn.PayloadType),
		"callback_id": payload.CallbackID, "id": created["id"], "callback_time": created["callback_time"],
		"sequence": ev.Sequence, "correlation_id": ev.CorrelationID, "redeliveries": again,
		"ack_timeout_seconds": o.ackTimeout.Seconds(), "connection": counters, "webhook_delivery": true,
	}, nil
}

// fetchToken is the seed's client-credentials call; unlike the seed's listing it does send the
// form body (the seed builds it and then passes nil to http.NewRequest).
func fetchToken(o options) (string, time.Time, error) {
	auth := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%s", o.clientID, o.clientSecret)))
	body := []byte("grant_type=client_credentials&scope=" + seedScope)
	req, _ := http.NewRequest(http.MethodPost, o.baseURL+"/oauth/token", bytes.NewReader(body))
	req.Header.Set("Authorization", fmt.Sprintf("Basic %s", auth))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var token struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	resp, err := doJSON(req, http.StatusOK, &token)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token: %w", err)
	}
	if token.TokenType != "Bearer" || token.AccessToken == "" || token.ExpiresIn <= 30 {
		return "", time.Time{}, fmt.Errorf("token: unexpected response %+v", token)
	}
	if token.Scope != "callback:read callback:write webhook:read webhook:write" {
		return "", time.Time{}, fmt.Errorf("token: granted scope %q", token.Scope)
	}
	now, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token: no platform clock in Date header: %w", err)
	}
	return token.AccessToken, now, nil
}

func doJSON(req *http.Request, want int, into interface{}) (*http.Response, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d: %s", req.Method, req.URL.Path, resp.StatusCode, raw)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			return nil, fmt.Errorf("%s %s: bad JSON: %w", req.Method, req.URL.Path, err)
		}
	}
	return resp, nil
}

func bearer(method, url, token string, body interface{}) *http.Request {
	var reader io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, reader)
	req.Header.Set("Authorization", fmt.Sprintf("Bearer %s", token))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return req
}

func serverAckTimeout(o options) (time.Duration, error) {
	var settings struct {
		AckTimeoutSeconds float64 `json:"ack_timeout_seconds"`
	}
	req := bearer(http.MethodGet, o.baseURL+"/_sandbox/settings", o.adminToken, nil)
	if _, err := doJSON(req, http.StatusOK, &settings); err != nil {
		return 0, fmt.Errorf("sandbox settings: %w", err)
	}
	return time.Duration(settings.AckTimeoutSeconds * float64(time.Second)), nil
}

func connectionCounters(o options) (map[string]interface{}, error) {
	if o.adminToken == "" {
		return nil, nil
	}
	var listing struct {
		Entities []map[string]interface{} `json:"entities"`
	}
	req := bearer(http.MethodGet, o.baseURL+"/_sandbox/connections", o.adminToken, nil)
	if _, err := doJSON(req, http.StatusOK, &listing); err != nil {
		return nil, fmt.Errorf("sandbox connections: %w", err)
	}
	if len(listing.Entities) != 1 {
		return nil, fmt.Errorf("expected exactly one open WebSocket, the sandbox lists %d", len(listing.Entities))
	}
	row := listing.Entities[0]
	acked, unacked := row["acked"].(float64), row["unacked"].(float64)
	if o.ackMode != "none" && (acked != 1 || unacked != 0) {
		return nil, fmt.Errorf("the sandbox did not record the ack: %v", row)
	}
	if o.ackMode == "none" && (acked != 0 || unacked != 1) {
		return nil, fmt.Errorf("unexpected counters without an ack: %v", row)
	}
	return row, nil
}

// listenForDeliveries serves the webhook URL on 127.0.0.1 and hands every POST to the channel.
func listenForDeliveries() (<-chan delivery, string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	hooks := make(chan delivery, 16)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d delivery
		if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		d.webhookID = r.Header.Get("X-Webhook-Id")
		select {
		case hooks <- d:
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	})
	go func() { _ = http.Serve(listener, handler) }()
	return hooks, fmt.Sprintf("http://%s/calendar", listener.Addr()), nil
}

func createWebhook(o options, token string, config WebhookConfig) (string, error) {
	var result struct {
		ID string `json:"id"`
	}
	req := bearer(http.MethodPost, o.baseURL+"/api/v2/webhooks", token, config)
	if _, err := doJSON(req, http.StatusCreated, &result); err != nil {
		return "", fmt.Errorf("webhook: %w", err)
	}
	if result.ID == "" {
		return "", errors.New("webhook: response has no id")
	}
	return result.ID, nil
}

// connectWebSocket dials like the seed: NewConfig with an Origin, a Bearer header, DialConfig.
func connectWebSocket(o options, token string) (*websocket.Conn, error) {
	url := "ws" + strings.TrimPrefix(o.baseURL, "http") + "/api/v2/callbacks/websocket"
	config, err := websocket.NewConfig(url, o.baseURL)
	if err != nil {
		return nil, fmt.Errorf("websocket config: %w", err)
	}
	config.Header = http.Header{}
	config.Header.Set("Authorization", fmt.Sprintf("Bearer %s", token))
	conn, err := websocket.DialConfig(config)
	if err != nil {
		return nil, fmt.Errorf("websocket dial: %w", err)
	}
	return conn, nil
}

// readMessages is the one reader: it hands whole WebSocket messages (or the final error) over.
func readMessages(conn *websocket.Conn) <-chan received {
	out := make(chan received, 64)
	go func() {
		for {
			var data []byte
			if err := websocket.Message.Receive(conn, &data); err != nil {
				out <- received{err: err}
				close(out)
				return
			}
			out <- received{data: data}
		}
	}()
	return out
}

// splitFrames loops over one message: 4-byte big-endian length, msgpack BinaryFrame, repeat.
func splitFrames(message []byte) ([]BinaryFrame, error) {
	var frames []BinaryFrame
	for len(message) > 0 {
		if len(message) < 4 {
			return nil, errors.New("message ends inside a length prefix")
		}
		n := binary.BigEndian.Uint32(message[:4])
		if uint64(n) > uint64(len(message)-4) {
			return nil, fmt.Errorf("frame length %d runs past the message", n)
		}
		dec := msgpack.NewDecoder(bytes.NewReader(message[4 : 4+n]))
		dec.DisallowUnknownFields(true)
		var frame BinaryFrame
		if err := dec.Decode(&frame); err != nil {
			return nil, fmt.Errorf("frame body does not decode into BinaryFrame: %w", err)
		}
		frames = append(frames, frame)
		message = message[4+n:]
	}
	return frames, nil
}

// reservation books 14:00-14:30 New York time on the next open weekday after the platform clock.
func reservation(platformNow time.Time) ReservationPayload {
	loc, _ := time.LoadLocation("America/New_York")
	day := platformNow.In(loc).AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday || isHoliday(day) {
		day = day.AddDate(0, 0, 1)
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, loc)
	return ReservationPayload{
		CallbackID:         "cb_" + uuid.New().String()[:8],
		CallbackNumber:     "+14155550199",
		TimeSlotMatrix:     []TimeSlot{{Start: start, End: start.Add(30 * time.Minute)}},
		ChannelPreferences: ChannelPreference{Primary: "voice", Fallback: "sms", AllowSMS: true},
		QueueID:            "queue_12345",
		Reason:             "Automated reservation test",
		ConcurrencyLimit:   10,
	}
}

func isHoliday(day time.Time) bool {
	md := day.Format("01-02")
	return md == "12-25" || md == "01-01"
}

func submitReservation(o options, token string, payload ReservationPayload) (map[string]interface{}, error) {
	var created map[string]interface{}
	req := bearer(http.MethodPost, o.baseURL+"/api/v2/callbacks", token, payload)
	if _, err := doJSON(req, http.StatusCreated, &created); err != nil {
		return nil, fmt.Errorf("reservation: %w", err)
	}
	if created["callback_id"] != payload.CallbackID || created["status"] != "scheduled" {
		return nil, fmt.Errorf("reservation: unexpected body %v", created)
	}
	want := payload.TimeSlotMatrix[0].Start.UTC()
	got, err := time.Parse(time.RFC3339Nano, fmt.Sprint(created["callback_time"]))
	if err != nil || !got.Equal(want) {
		return nil, fmt.Errorf("reservation: callback_time %v, want %s", created["callback_time"], want)
	}
	return created, nil
}

func awaitCreated(messages <-chan received, callbackID string, platformNow time.Time, wait time.Duration) (event, error) {
	deadline := time.After(wait)
	for {
		select {
		case <-deadline:
			return event{}, fmt.Errorf("no reservation.created event for %s within %s", callbackID, wait)
		case msg, open := <-messages:
			if !open || msg.err != nil {
				return event{}, fmt.Errorf("stream ended before the event: %v", msg.err)
			}
			ev, found, err := createdIn(msg.data, callbackID, platformNow)
			if err != nil || found {
				return ev, err
			}
		}
	}
}

func createdIn(message []byte, callbackID string, platformNow time.Time) (event, bool, error) {
	frames, err := splitFrames(message)
	if err != nil {
		return event{}, false, err
	}
	for _, frame := range frames {
		if frame.Type != frameReservationUpdate {
			continue
		}
		skew := time.UnixMilli(frame.Timestamp).Sub(platformNow)
		if skew < -time.Minute || skew > time.Hour {
			return event{}, false, fmt.Errorf("frame Timestamp %d is not platform-clock milliseconds", frame.Timestamp)
		}
		var ev event
		if err := msgpack.Unmarshal(frame.Payload, &ev); err != nil {
			return event{}, false, fmt.Errorf("event payload is not a msgpack map: %w", err)
		}
		if ev.Event == "reservation.created" && ev.Resource["callback_id"] == callbackID {
			if ev.CorrelationID == "" || ev.Sequence < 1 || ev.ChangedBy != "api" {
				return event{}, false, fmt.Errorf("incomplete event %+v", ev)
			}
			return ev, true, nil
		}
	}
	return event{}, false, nil
}

// WriteBinaryFrame is the seed's writer: msgpack the struct, prefix the length, conn.Write.
// conn.Write sends a message of the Conn's PayloadType (a text message unless changed).
func WriteBinaryFrame(conn *websocket.Conn, frameType int32, payload []byte) error {
	frame := BinaryFrame{Type: frameType, Payload: payload, Timestamp: time.Now().UnixMilli()}
	message, err := frameBytes(frame)
	if err != nil {
		return err
	}
	if _, err := conn.Write(message); err != nil {
		return fmt.Errorf("websocket write failed: %w", err)
	}
	return nil
}

// frameBytes is msgpack.Marshal with its defaults behind a 4-byte big-endian length.
func frameBytes(frame BinaryFrame) ([]byte, error) {
	data, err := msgpack.Marshal(frame)
	if err != nil {
		return nil, fmt.Errorf("msgpack serialization failed: %w", err)
	}
	length := make([]byte, 4)
	binary.BigEndian.PutUint32(length, uint32(len(data)))
	return append(length, data...), nil
}

// printFrame writes the hex of one seed-style frame, for byte-for-byte comparison in tests.
func printFrame(frameType int32, payload string, timestamp int64) {
	var body []byte
	if payload != "<nil>" {
		body = []byte(payload)
	}
	message, err := frameBytes(BinaryFrame{Type: frameType, Payload: body, Timestamp: timestamp})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hex.EncodeToString(message))
}

func sendAcknowledgment(conn *websocket.Conn, form, correlationID string, objectID interface{}) error {
	ackPayload := []byte(fmt.Sprintf(`{"status":"ack","correlation_id":"%s"}`, correlationID))
	if form == "id" {
		ackPayload = []byte(fmt.Sprintf(`{"status":"ack","id":"%s"}`, objectID))
	}
	return WriteBinaryFrame(conn, frameAcknowledgment, ackPayload)
}

// watchRedeliveries reads for three ack timeouts (plus slack) and counts the event coming back.
// With an ack it must not come back; without one (-ack-mode none) it must, at least once.
func watchRedeliveries(messages <-chan received, correlationID string, o options) (int, error) {
	deadline := time.After(3*o.ackTimeout + 500*time.Millisecond)
	again := 0
	for {
		select {
		case <-deadline:
			if o.ackMode == "none" && again == 0 {
				return 0, errors.New("an unacknowledged event was never redelivered")
			}
			return again, nil
		case msg, open := <-messages:
			if !open || msg.err != nil {
				return again, fmt.Errorf("the server closed the stream after the ack (%v)", msg.err)
			}
			frames, err := splitFrames(msg.data)
			if err != nil {
				return again, err
			}
			for _, frame := range frames {
				if frame.Type == frameReservationUpdate && sameEvent(frame, correlationID) {
					again++
				}
			}
			if again > 0 && o.ackMode != "none" {
				return again, fmt.Errorf("acknowledged event %s was redelivered", correlationID)
			}
			if again > 0 {
				return again, nil
			}
		}
	}
}

func sameEvent(frame BinaryFrame, correlationID string) bool {
	var ev event
	return msgpack.Unmarshal(frame.Payload, &ev) == nil && ev.CorrelationID == correlationID
}

func awaitDelivery(hooks <-chan delivery, webhookID, callbackID string, wait time.Duration) error {
	deadline := time.After(wait)
	for {
		select {
		case <-deadline:
			return fmt.Errorf("no webhook delivery of reservation.created for %s within %s", callbackID, wait)
		case d := <-hooks:
			if d.Event == "reservation.created" && d.Data["callback_id"] == callbackID {
				if d.webhookID != webhookID {
					return fmt.Errorf("delivery carries X-Webhook-Id %q, want %q", d.webhookID, webhookID)
				}
				return nil
			}
		}
	}
}
