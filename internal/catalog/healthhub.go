package catalog

// HealthHub is the seed's serverless estate: 7 services, 41 functions, 7 tables.
func HealthHub() Catalog {
	return Catalog{
		Tables: []Table{
			{Name: "users", HashKey: "userId", Attributes: map[string]string{"userId": "S", "email": "S"},
				GSIs: []GSI{{Name: "by-email", HashKey: "email"}}, PHI: true},
			{Name: "appointments", HashKey: "appointmentId", Attributes: map[string]string{"appointmentId": "S", "patientId": "S", "startsAt": "S"},
				GSIs: []GSI{{Name: "by-patient", HashKey: "patientId", RangeKey: "startsAt"}}, Stream: true, PHI: true},
			{Name: "records", HashKey: "patientId", RangeKey: "recordId", Attributes: map[string]string{"patientId": "S", "recordId": "S"},
				Stream: true, PHI: true},
			{Name: "conversations", HashKey: "userId", RangeKey: "conversationId", Attributes: map[string]string{"userId": "S", "conversationId": "S"},
				TTLAttribute: "expiresAt", PHI: true},
			{Name: "transcriptions", HashKey: "transcriptionId", Attributes: map[string]string{"transcriptionId": "S", "patientId": "S"},
				GSIs: []GSI{{Name: "by-patient", HashKey: "patientId"}}, PHI: true},
			{Name: "images", HashKey: "imageId", Attributes: map[string]string{"imageId": "S", "patientId": "S"},
				GSIs: []GSI{{Name: "by-patient", HashKey: "patientId"}}, PHI: true},
			// Delivery state only (channel, status, time): message bodies are built from the
			// other tables when sent and never stored here.
			{Name: "notifications", HashKey: "userId", RangeKey: "notificationId", Attributes: map[string]string{"userId": "S", "notificationId": "S"},
				TTLAttribute: "expiresAt"},
		},
		// Calls each vendor's key API to issue a new key, stores it, then revokes the old one.
		Rotation: worker("rotate-credentials", 300, nil, secrets(Secrets...), rotates),
		Services: []Service{
			{Name: "users", Functions: []Function{
				api("register-user", post("/users", true), rw("users")),
				api("get-profile", get("/users/{userId}"), ro("users")),
				api("update-profile", put("/users/{userId}"), rw("users")),
				api("delete-account", del("/users/{userId}"), rw("users", "conversations", "notifications")),
				api("list-consents", get("/users/{userId}/consents"), ro("users")),
				api("update-consents", put("/users/{userId}/consents"), rw("users")),
			}},
			{Name: "appointments", Functions: []Function{
				api("create-appointment", post("/appointments", false), rw("appointments")),
				api("get-appointment", get("/appointments/{appointmentId}"), ro("appointments")),
				api("list-appointments", get("/patients/{patientId}/appointments"), ro("appointments")),
				api("update-appointment", put("/appointments/{appointmentId}"), rw("appointments")),
				api("cancel-appointment", del("/appointments/{appointmentId}"), rw("appointments")),
				api("list-slots", get("/slots"), ro("appointments")),
				worker("send-reminders", 300, rw("notifications"), with(ro("appointments", "users"))),
			}},
			{Name: "records", Functions: []Function{
				api("create-record", post("/patients/{patientId}/records", false), rw("records")),
				api("get-record", get("/patients/{patientId}/records/{recordId}"), ro("records")),
				api("list-records", get("/patients/{patientId}/records"), ro("records")),
				api("update-record", put("/patients/{patientId}/records/{recordId}"), rw("records")),
				api("share-record", post("/patients/{patientId}/records/{recordId}/shares", false), rw("records"), with(ro("users"))),
				api("audit-record-access", get("/patients/{patientId}/records/{recordId}/access"), ro("records")),
				worker("export-records", 900, ro("records"), memory(2048)),
			}},
			{Name: "assistant", Functions: []Function{
				api("chat", post("/assistant/messages", false), rw("conversations"), secrets("openai"), memory(1024), timeout(29)),
				api("get-conversation", get("/assistant/conversations/{conversationId}"), ro("conversations")),
				api("list-conversations", get("/assistant/conversations"), ro("conversations")),
				api("delete-conversation", del("/assistant/conversations/{conversationId}"), rw("conversations")),
				api("summarize-record", post("/assistant/summaries", false), ro("records"), secrets("openai"), memory(1024), timeout(29)),
			}},
			{Name: "transcription", Functions: []Function{
				api("start-transcription", post("/transcriptions", false), rw("transcriptions")),
				api("get-transcription", get("/transcriptions/{transcriptionId}"), ro("transcriptions")),
				api("list-transcriptions", get("/patients/{patientId}/transcriptions"), ro("transcriptions")),
				api("delete-transcription", del("/transcriptions/{transcriptionId}"), rw("transcriptions")),
				worker("transcribe-audio", 900, rw("transcriptions"), secrets("azure-speech"), memory(2048)),
			}},
			{Name: "imaging", Functions: []Function{
				api("upload-image", post("/images", false), rw("images")),
				api("get-image", get("/images/{imageId}"), ro("images")),
				api("list-images", get("/patients/{patientId}/images"), ro("images")),
				api("delete-image", del("/images/{imageId}"), rw("images")),
				worker("analyze-image", 300, rw("images"), secrets("google-vision"), memory(2048)),
			}},
			{Name: "notifications", Functions: []Function{
				api("translate-text", post("/translations", false), ro("users"), ai("translate")),
				api("synthesize-speech", post("/speech", false), ro("users"), ai("polly"), memory(1024)),
				api("list-notifications", get("/users/{userId}/notifications"), ro("notifications")),
				api("mark-notification-read", put("/users/{userId}/notifications/{notificationId}"), rw("notifications")),
				api("update-notification-preferences", put("/users/{userId}/notification-preferences"), rw("users")),
				worker("send-notification", 60, rw("notifications"), with(ro("users")), ai("translate", "polly")),
			}},
		},
	}
}

// option adjusts a function from the defaults.
type option func(*Function)

// api is a function behind one route, with the defaults of the seed's API functions.
func api(name string, route Route, tables map[string]Access, opts ...option) Function {
	f := Function{
		Name: name, Handler: "index.handler", Runtime: "nodejs20.x", MemoryMB: 512, TimeoutSeconds: 10,
		ReservedConcurrency: 50, Routes: []Route{route}, Tables: tables,
	}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// worker is a function started by a queue, a schedule or another function, not the API.
func worker(name string, timeoutSeconds int, tables map[string]Access, opts ...option) Function {
	f := api(name, Route{}, tables, append([]option{timeout(timeoutSeconds)}, opts...)...)
	f.Routes, f.ReservedConcurrency = nil, 10
	return f
}

func get(path string) Route                 { return Route{Method: "GET", Path: path} }
func put(path string) Route                 { return Route{Method: "PUT", Path: path} }
func del(path string) Route                 { return Route{Method: "DELETE", Path: path} }
func post(path string, public bool) Route   { return Route{Method: "POST", Path: path, Public: public} }
func ro(tables ...string) map[string]Access { return access(Read, tables) }
func rw(tables ...string) map[string]Access { return access(Write, tables) }

func access(a Access, tables []string) map[string]Access {
	out := map[string]Access{}
	for _, t := range tables {
		out[t] = a
	}
	return out
}

func with(more map[string]Access) option {
	return func(f *Function) {
		for t, a := range more {
			if f.Tables[t] != Write {
				f.Tables[t] = a
			}
		}
	}
}
func secrets(names ...string) option { return func(f *Function) { f.Secrets = names } }
func ai(names ...string) option      { return func(f *Function) { f.AIServices = names } }
func memory(mb int) option           { return func(f *Function) { f.MemoryMB = mb } }
func timeout(s int) option           { return func(f *Function) { f.TimeoutSeconds = s } }
func rotates(f *Function)            { f.Rotates = true }
